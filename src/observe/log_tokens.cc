#include "observe/log_tokens.h"

#include <charconv>

#include "base/encoding.h"

namespace evoke::observe {
namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string EncodeEventToken(const EventToken& t) {
  return std::string(1, t.direction) + "/" + std::to_string(t.position.timestamp_ms) + "/" +
         std::to_string(t.position.id);
}

std::optional<EventToken> DecodeEventToken(std::string_view text) {
  if (text.size() < 5 || text[1] != '/') return std::nullopt;
  char d = text[0];
  if (d != 'f' && d != 'b' && d != 'e') return std::nullopt;
  std::string_view rest = text.substr(2);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ts = ParseInt(rest.substr(0, slash));
  auto id = ParseInt(rest.substr(slash + 1));
  if (!ts || !id) return std::nullopt;
  return EventToken{d, {*ts, *id}};
}

std::string EncodeNameToken(std::string_view key) { return "n/" + Base64Encode(key); }

std::optional<std::string> DecodeNameToken(std::string_view text) {
  if (!text.starts_with("n/")) return std::nullopt;
  return Base64Decode(text.substr(2));
}

}  // namespace evoke::observe
