#include "http/message.h"

#include "base/encoding.h"

namespace evoke::http {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

void Headers::Set(std::string_view name, std::string value) {
  Remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return EqualsIgnoreCase(f.first, name); });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& f : fields_) {
    if (EqualsIgnoreCase(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

std::optional<std::string> Headers::GetCombined(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& f : fields_) {
    if (!EqualsIgnoreCase(f.first, name)) continue;
    if (out) {
      *out += ',';
      *out += f.second;
    } else {
      out = f.second;
    }
  }
  return out;
}

std::optional<Query> Query::Parse(std::string_view raw) {
  Query q;
  size_t pos = 0;
  while (pos <= raw.size() && !raw.empty()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string_view part = raw.substr(pos, amp - pos);
    if (!part.empty()) {
      QueryParam p;
      size_t eq = part.find('=');
      auto name = UriDecode(part.substr(0, eq), true);
      if (!name) return std::nullopt;
      p.name = std::move(*name);
      if (eq != std::string_view::npos) {
        auto value = UriDecode(part.substr(eq + 1), true);
        if (!value) return std::nullopt;
        p.value = std::move(*value);
        p.has_value = true;
      }
      q.params_.push_back(std::move(p));
    }
    pos = amp + 1;
  }
  return q;
}

const std::string* Query::Get(std::string_view name) const {
  for (const auto& p : params_) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace evoke::http
