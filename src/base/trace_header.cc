#include "base/trace_header.h"

#include <cstdio>

#include "base/ids.h"

namespace evoke {
namespace {

bool IsHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsValidTraceId(std::string_view id) {
  return id.size() == 35 && id[0] == '1' && id[1] == '-' && id[10] == '-' &&
         IsHex(id.substr(2, 8)) && IsHex(id.substr(11));
}

bool IsValidSegmentId(std::string_view id) { return id.size() == 16 && IsHex(id); }

std::optional<TraceHeader> ParseTraceHeader(std::string_view text) {
  TraceHeader h;
  while (!text.empty()) {
    size_t end = text.find(';');
    std::string_view field = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (field.empty()) continue;
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = Trim(field.substr(0, eq));
    std::string_view value = Trim(field.substr(eq + 1));
    if (key == "Root") {
      if (!IsValidTraceId(value)) return std::nullopt;
      h.root = std::string(value);
    } else if (key == "Parent") {
      if (!IsValidSegmentId(value)) return std::nullopt;
      h.parent = std::string(value);
    } else if (key == "Sampled") {
      if (value == "1") {
        h.sampled = true;
      } else if (value == "0") {
        h.sampled = false;
      } else if (value != "?") {
        return std::nullopt;
      }
    } else {
      h.others.emplace_back(key, value);
    }
  }
  if (h.root.empty()) return std::nullopt;
  return h;
}

std::string FormatTraceHeader(const TraceHeader& h) {
  std::string out = "Root=" + h.root;
  if (!h.parent.empty()) out += ";Parent=" + h.parent;
  if (h.sampled) out += *h.sampled ? ";Sampled=1" : ";Sampled=0";
  for (const auto& [k, v] : h.others) out += ";" + k + "=" + v;
  return out;
}

TraceHeader ContinueTrace(std::optional<TraceHeader> caller, bool active, std::string new_root,
                          std::string segment_id) {
  TraceHeader h;
  if (caller) {
    h = std::move(*caller);
  } else {
    h.root = std::move(new_root);
  }
  if (!h.sampled) h.sampled = active;
  h.parent = std::move(segment_id);
  return h;
}

std::optional<int64_t> TraceIdEpochSeconds(std::string_view id) {
  if (!IsValidTraceId(id)) return std::nullopt;
  int64_t v = 0;
  for (char c : id.substr(2, 8)) {
    int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    v = v * 16 + d;
  }
  return v;
}

std::string NewTraceId(int64_t now_ms) {
  char epoch[16];
  std::snprintf(epoch, sizeof epoch, "%08llx",
                static_cast<unsigned long long>(now_ms / 1000) & 0xffffffffULL);
  return std::string("1-") + epoch + "-" + RandomHex(12);
}

std::string NewSegmentId() { return RandomHex(8); }

}  // namespace evoke
