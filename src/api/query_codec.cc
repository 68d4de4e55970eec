#include "api/query_codec.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "base/encoding.h"

namespace evoke::api {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

Error InvalidParameter(std::string_view name, std::string_view why) {
  return MakeError("InvalidQueryParameter",
                   "The parameter " + std::string(name) + " " + std::string(why) + ".");
}

// The flattened names as a tree: "Tags.member.1.Key" is the path Tags → member → 1 → Key.
struct Node {
  std::optional<std::string> value;
  std::map<std::string, Node, std::less<>> children;
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1..kMaxQueryIndex without leading zeros, or nullopt.
std::optional<int> ParseIndex(std::string_view s) {
  if (!AllDigits(s) || s.size() > 4 || s[0] == '0') return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  if (n > kMaxQueryIndex) return std::nullopt;
  return n;
}

std::string Join(std::string_view path, std::string_view segment) {
  return path.empty() ? std::string(segment) : std::string(path) + "." + std::string(segment);
}

// The children of `node` (at `path`) that must all be indices, in index order.
Result<std::vector<std::pair<int, const Node*>>> Indexed(const Node& node, std::string_view path) {
  std::vector<std::pair<int, const Node*>> out;
  out.reserve(node.children.size());
  for (const auto& [key, child] : node.children) {
    auto index = ParseIndex(key);
    if (!index) return InvalidParameter(Join(path, key), "has an invalid index");
    out.emplace_back(*index, &child);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

Result<json> Build(const Node& node, const std::string& path);

Result<json> BuildList(const Node& node, const std::string& path) {
  auto items = Indexed(node, path);
  if (!items) return std::move(items).error();
  json list = json::array();
  for (const auto& [index, child] : *items) {
    auto element = Build(*child, Join(path, std::to_string(index)));
    if (!element) return element;
    list.push_back(std::move(*element));
  }
  return list;
}

Result<json> BuildMap(const Node& entries, const std::string& path) {
  auto items = Indexed(entries, path);
  if (!items) return std::move(items).error();
  json map = json::object();
  for (const auto& [index, entry] : *items) {
    std::string entry_path = Join(path, std::to_string(index));
    auto key = entry->children.find("key");
    auto value = entry->children.find("value");
    if (entry->value || entry->children.size() != 2 || key == entry->children.end() ||
        value == entry->children.end() || !key->second.value || !key->second.children.empty()) {
      return InvalidParameter(entry_path, "must have exactly one key and one value");
    }
    if (map.contains(*key->second.value)) {
      return InvalidParameter(entry_path + ".key", "repeats the key " + *key->second.value);
    }
    auto built = Build(value->second, entry_path + ".value");
    if (!built) return built;
    map[*key->second.value] = std::move(*built);
  }
  return map;
}

Result<json> Build(const Node& node, const std::string& path) {
  if (node.value) {
    if (!node.children.empty()) return InvalidParameter(path, "is both a value and a structure");
    return json(*node.value);
  }
  const auto& children = node.children;
  bool has_member = children.contains("member");
  bool has_entry = children.contains("entry");
  if ((has_member || has_entry) && children.size() != 1) {
    return InvalidParameter(path, "mixes a list or map with other members");
  }
  if (has_member) {
    const Node& member = children.begin()->second;
    if (member.value) return InvalidParameter(path + ".member", "has no index");
    return BuildList(member, path + ".member");
  }
  if (has_entry) {
    const Node& entries = children.begin()->second;
    if (entries.value) return InvalidParameter(path + ".entry", "has no index");
    return BuildMap(entries, path + ".entry");
  }
  size_t numeric = std::count_if(children.begin(), children.end(),
                                 [](const auto& c) { return AllDigits(c.first); });
  if (numeric == children.size()) return BuildList(node, path);  // SQS's flattened Name.N
  if (numeric != 0) return InvalidParameter(path, "mixes indices with other members");
  json object = json::object();
  for (const auto& [key, child] : children) {
    auto built = Build(child, Join(path, key));
    if (!built) return built;
    object[key] = std::move(*built);
  }
  return object;
}

// Sets *slot to value, refusing a second, different value for the same name.
Status SetOnce(std::optional<std::string>& slot, std::string_view name, std::string value) {
  if (slot && *slot != value) return InvalidParameter(name, "is given twice");
  slot = std::move(value);
  return {};
}

struct Collected {
  std::optional<std::string> action;
  std::optional<std::string> version;
  Node root;
};

Status Collect(std::string_view raw, Collected& out) {
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = UriDecode(pair.substr(0, eq), true);
    auto value =
        UriDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value) {
      return MakeError("MalformedQueryString",
                       "The query string contains a malformed escape: " + std::string(pair));
    }
    if (name->empty()) continue;
    if (*name == "Action") {
      if (auto s = SetOnce(out.action, *name, std::move(*value)); !s) return s;
      continue;
    }
    if (*name == "Version") {
      if (auto s = SetOnce(out.version, *name, std::move(*value)); !s) return s;
      continue;
    }
    Node* node = &out.root;
    std::string_view rest = *name;
    int segments = 0;
    while (true) {
      size_t dot = rest.find('.');
      std::string_view segment = rest.substr(0, dot);
      if (segment.empty()) return InvalidParameter(*name, "has an empty segment");
      if (++segments > kMaxQueryNameSegments)
        return InvalidParameter(*name, "is nested too deeply");
      auto it = node->children.find(segment);
      if (it == node->children.end()) it = node->children.emplace(segment, Node{}).first;
      node = &it->second;
      if (dot == std::string_view::npos) break;
      rest = rest.substr(dot + 1);
    }
    if (auto s = SetOnce(node->value, *name, std::move(*value)); !s) return s;
  }
  return {};
}

bool IsMarker(const ordered_json& value, std::string_view key) {
  return value.is_object() && value.size() == 1 && value.begin().key() == key;
}

void AppendValue(std::string& out, const ordered_json& value);

void AppendMember(std::string& out, std::string_view name, const ordered_json& value) {
  if (value.is_null()) return;
  if (IsMarker(value, kQueryFlatKey)) {
    for (const ordered_json& element : value.begin().value()) AppendMember(out, name, element);
    return;
  }
  out += '<';
  out += name;
  out += '>';
  if (IsMarker(value, kQueryMapKey)) {
    for (const auto& [key, entry] : value.begin().value().items()) {
      if (entry.is_null()) continue;
      out += "<entry><key>";
      AppendXmlEscaped(out, key);
      out += "</key><value>";
      AppendValue(out, entry);
      out += "</value></entry>";
    }
  } else {
    AppendValue(out, value);
  }
  out += "</";
  out += name;
  out += '>';
}

void AppendNumber(std::string& out, const ordered_json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    double d = value.get<double>();
    out += std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  out += value.dump();
}

void AppendValue(std::string& out, const ordered_json& value) {
  switch (value.type()) {
    case ordered_json::value_t::object:
      for (const auto& [key, member] : value.items()) AppendMember(out, key, member);
      break;
    case ordered_json::value_t::array:
      for (const ordered_json& element : value) AppendMember(out, "member", element);
      break;
    case ordered_json::value_t::string:
      AppendXmlEscaped(out, value.get_ref<const std::string&>());
      break;
    case ordered_json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      break;
    case ordered_json::value_t::number_integer:
    case ordered_json::value_t::number_unsigned:
    case ordered_json::value_t::number_float:
      AppendNumber(out, value);
      break;
    case ordered_json::value_t::binary:
      out += Base64Encode(std::span(value.get_binary().data(), value.get_binary().size()));
      break;
    case ordered_json::value_t::null:
    case ordered_json::value_t::discarded:
      break;
  }
}

void AppendOpenTag(std::string& out, std::string_view name, std::string_view xmlns) {
  out += '<';
  out += name;
  if (!xmlns.empty()) {
    out += " xmlns=\"";
    AppendXmlEscaped(out, xmlns);
    out += '"';
  }
  out += '>';
}

}  // namespace

Result<QueryRequest> ParseQueryRequest(std::string_view form_body, std::string_view raw_query) {
  Collected collected;
  if (auto s = Collect(raw_query, collected); !s) return std::move(s).error();
  if (auto s = Collect(form_body, collected); !s) return std::move(s).error();
  if (!collected.action || collected.action->empty()) {
    return MakeError("MissingAction", "The request must contain the parameter Action.");
  }
  QueryRequest request;
  request.action = std::move(*collected.action);
  request.version = collected.version.value_or("");
  if (!collected.root.children.empty()) {
    auto params = Build(collected.root, "");
    if (!params) return std::move(params).error();
    if (!params->is_object()) {  // every top-level name was an index: "1=a"
      return InvalidParameter(collected.root.children.begin()->first, "is not a member name");
    }
    request.params = std::move(*params);
  }
  return request;
}

Result<json> QueryList(const json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
    return json::array();
  }
  if (!it->is_array()) return InvalidParameter(name, "must be a list");
  return *it;
}

ordered_json QueryMap(ordered_json entries) {
  ordered_json marker = ordered_json::object();
  marker[std::string(kQueryMapKey)] = std::move(entries);
  return marker;
}

ordered_json QueryFlattened(ordered_json elements) {
  ordered_json marker = ordered_json::object();
  marker[std::string(kQueryFlatKey)] = std::move(elements);
  return marker;
}

std::string RenderQueryResponse(std::string_view action, std::string_view xmlns,
                                const ordered_json& result, std::string_view request_id) {
  std::string out;
  std::string response = std::string(action) + "Response";
  AppendOpenTag(out, response, xmlns);
  if (!result.is_null()) AppendMember(out, std::string(action) + "Result", result);
  out += "<ResponseMetadata><RequestId>";
  AppendXmlEscaped(out, request_id);
  out += "</RequestId></ResponseMetadata></";
  out += response;
  out += '>';
  return out;
}

std::string RenderQueryError(std::string_view type, const Error& error, std::string_view request_id,
                             std::string_view xmlns) {
  std::string out;
  AppendOpenTag(out, "ErrorResponse", xmlns);
  out += "<Error><Type>";
  AppendXmlEscaped(out, type);
  out += "</Type><Code>";
  AppendXmlEscaped(out, error.code);
  out += "</Code><Message>";
  AppendXmlEscaped(out, error.message);
  out += "</Message>";
  for (const auto& [name, value] : error.details) {
    out += '<';
    out += name;
    out += '>';
    AppendXmlEscaped(out, value);
    out += "</";
    out += name;
    out += '>';
  }
  out += "</Error><RequestId>";
  AppendXmlEscaped(out, request_id);
  out += "</RequestId></ErrorResponse>";
  return out;
}

}  // namespace evoke::api
