#include "s3/cors.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <pugixml.hpp>

#include "s3/xml.h"

namespace evoke::s3 {
namespace {

constexpr std::array<std::string_view, 5> kMethods = {"GET", "PUT", "POST", "DELETE", "HEAD"};

// `pattern` with at most one '*' standing for any run of characters.
bool WildcardMatches(std::string_view pattern, std::string_view value) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == value;
  std::string_view head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  return value.size() >= head.size() + tail.size() && value.starts_with(head) &&
         value.ends_with(tail);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

Result<CorsRule> ParseRule(pugi::xml_node node) {
  CorsRule rule;
  bool has_max_age = false;
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = c.name();
    std::string text = c.text().get();
    if (name == "ID") {
      rule.id = std::move(text);
    } else if (name == "AllowedOrigin") {
      if (std::count(text.begin(), text.end(), '*') > 1) {
        return MakeError("InvalidRequest",
                         "AllowedOrigin \"" + text + "\" can not have more than one wildcard.");
      }
      rule.origins.push_back(std::move(text));
    } else if (name == "AllowedMethod") {
      if (std::find(kMethods.begin(), kMethods.end(), text) == kMethods.end()) {
        return MakeError("InvalidRequest",
                         "Found unsupported HTTP method in CORS config. Unsupported method is " +
                             text);
      }
      rule.methods.push_back(std::move(text));
    } else if (name == "AllowedHeader") {
      if (std::count(text.begin(), text.end(), '*') > 1) {
        return MakeError("InvalidRequest",
                         "AllowedHeader \"" + text + "\" can not have more than one wildcard.");
      }
      rule.headers.push_back(std::move(text));
    } else if (name == "ExposeHeader") {
      rule.expose.push_back(std::move(text));
    } else if (name == "MaxAgeSeconds") {
      if (has_max_age) return MalformedXmlError();
      has_max_age = true;
      int64_t n = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (text.empty() || ec != std::errc() || p != text.data() + text.size() || n < 0) {
        return MalformedXmlError();
      }
      rule.max_age_seconds = n;
    } else {
      return MalformedXmlError();
    }
  }
  if (rule.origins.empty() || rule.methods.empty()) return MalformedXmlError();
  if (rule.id.size() > 255) {
    return MakeError("InvalidArgument", "ID length should not exceed allowed limit of 255");
  }
  return rule;
}

}  // namespace

Result<CorsConfig> ParseCorsXml(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "CORSConfiguration");
  if (!root) return MalformedXmlError();
  CorsConfig config;
  for (pugi::xml_node node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    if (std::string_view(node.name()) != "CORSRule") return MalformedXmlError();
    auto rule = ParseRule(node);
    if (!rule.ok()) return std::move(rule).error();
    config.rules.push_back(std::move(*rule));
  }
  if (config.rules.empty()) return MalformedXmlError();
  if (config.rules.size() > kMaxCorsRules) {
    return MakeError("InvalidRequest",
                     "The number of CORS rules should not exceed allowed limit of 100 rules.");
  }
  return config;
}

std::string CorsXml(const CorsConfig& config) {
  XmlWriter x("CORSConfiguration");
  for (const CorsRule& r : config.rules) {
    x.Open("CORSRule");
    if (!r.id.empty()) x.Element("ID", r.id);
    for (const auto& h : r.headers) x.Element("AllowedHeader", h);
    for (const auto& m : r.methods) x.Element("AllowedMethod", m);
    for (const auto& o : r.origins) x.Element("AllowedOrigin", o);
    for (const auto& e : r.expose) x.Element("ExposeHeader", e);
    if (r.max_age_seconds) x.Element("MaxAgeSeconds", *r.max_age_seconds);
    x.Close("CORSRule");
  }
  return x.Finish();
}

const CorsRule* MatchCors(const CorsConfig& config, std::string_view origin,
                          std::string_view method,
                          const std::vector<std::string>& request_headers) {
  for (const CorsRule& rule : config.rules) {
    bool origin_ok = std::any_of(rule.origins.begin(), rule.origins.end(), [&](const auto& o) {
      return WildcardMatches(o, origin);
    });
    if (!origin_ok) continue;
    if (std::find(rule.methods.begin(), rule.methods.end(), method) == rule.methods.end()) {
      continue;
    }
    bool headers_ok = std::all_of(request_headers.begin(), request_headers.end(),
                                  [&](const std::string& h) {
                                    return std::any_of(rule.headers.begin(), rule.headers.end(),
                                                       [&](const std::string& allowed) {
                                                         return WildcardMatches(Lower(allowed), h);
                                                       });
                                  });
    if (headers_ok) return &rule;
  }
  return nullptr;
}

void AddCorsHeaders(http::Headers& out, const CorsRule& rule, std::string_view origin,
                    const std::string* preflight_headers) {
  bool any_origin = std::find(rule.origins.begin(), rule.origins.end(), "*") != rule.origins.end();
  out.Set("Access-Control-Allow-Origin", any_origin ? std::string("*") : std::string(origin));
  out.Set("Access-Control-Allow-Methods", Join(rule.methods));
  if (preflight_headers && !preflight_headers->empty()) {
    out.Set("Access-Control-Allow-Headers", *preflight_headers);
  }
  if (!rule.expose.empty()) out.Set("Access-Control-Expose-Headers", Join(rule.expose));
  if (rule.max_age_seconds) {
    out.Set("Access-Control-Max-Age", std::to_string(*rule.max_age_seconds));
  }
  if (!any_origin) out.Set("Access-Control-Allow-Credentials", "true");
  out.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}

std::vector<std::string> SplitRequestHeaders(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.push_back(Lower(item));
  }
  return out;
}

}  // namespace evoke::s3
