#include "s3/metrics_configuration.h"

#include <algorithm>
#include <initializer_list>
#include <pugixml.hpp>

#include "s3/xml.h"

namespace evoke::s3 {
namespace {

// Every child element of `node` is one of `names`.
bool OnlyChildren(pugi::xml_node node, std::initializer_list<std::string_view> names) {
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    if (std::find(names.begin(), names.end(), std::string_view(c.name())) == names.end()) {
      return false;
    }
  }
  return true;
}

size_t CountChildren(pugi::xml_node node, const char* name) {
  size_t n = 0;
  for (pugi::xml_node c = node.child(name); c; c = c.next_sibling(name)) ++n;
  return n;
}

// A <Tag><Key/><Value/></Tag>: one Key, at most one Value.
Result<std::pair<std::string, std::string>> ParseTag(pugi::xml_node tag) {
  if (!OnlyChildren(tag, {"Key", "Value"}) || CountChildren(tag, "Key") != 1 ||
      CountChildren(tag, "Value") > 1) {
    return MalformedXmlError();
  }
  return std::make_pair(std::string(tag.child("Key").text().get()),
                        std::string(tag.child("Value").text().get()));
}

Result<MetricsFilter> ParseFilter(pugi::xml_node node) {
  if (!OnlyChildren(node, {"Prefix", "Tag", "AccessPointArn", "And"})) return MalformedXmlError();
  size_t prefixes = CountChildren(node, "Prefix"), tags = CountChildren(node, "Tag"),
         arns = CountChildren(node, "AccessPointArn"), ands = CountChildren(node, "And");
  // A filter is one predicate (an empty <Filter/> is as if there were none).
  if (prefixes + tags + arns + ands > 1) return MalformedXmlError();
  MetricsFilter f;
  if (prefixes) {
    f.form = MetricsFilter::Form::kPrefix;
    f.prefix = node.child("Prefix").text().get();
  } else if (tags) {
    f.form = MetricsFilter::Form::kTag;
    auto tag = ParseTag(node.child("Tag"));
    if (!tag.ok()) return std::move(tag).error();
    f.tags.push_back(std::move(*tag));
  } else if (arns) {
    f.form = MetricsFilter::Form::kAccessPointArn;
    f.access_point_arn = node.child("AccessPointArn").text().get();
  } else if (ands) {
    f.form = MetricsFilter::Form::kAnd;
    pugi::xml_node a = node.child("And");
    if (!OnlyChildren(a, {"Prefix", "Tag", "AccessPointArn"}) || CountChildren(a, "Prefix") > 1 ||
        CountChildren(a, "AccessPointArn") > 1) {
      return MalformedXmlError();
    }
    if (a.child("Prefix")) f.prefix = a.child("Prefix").text().get();
    if (a.child("AccessPointArn")) f.access_point_arn = a.child("AccessPointArn").text().get();
    for (pugi::xml_node t : a.children("Tag")) {
      auto tag = ParseTag(t);
      if (!tag.ok()) return std::move(tag).error();
      f.tags.push_back(std::move(*tag));
    }
    // "The operator must have at least two predicates."
    if ((f.prefix ? 1 : 0) + (f.access_point_arn ? 1 : 0) + f.tags.size() < 2) {
      return MalformedXmlError();
    }
  }
  if (!f.tags.empty()) {
    if (Status s = ValidateTags(f.tags); !s.ok()) return std::move(s).error();
  }
  return f;
}

void WriteTag(XmlWriter& x, const std::pair<std::string, std::string>& tag) {
  x.Open("Tag").Element("Key", tag.first).Element("Value", tag.second).Close("Tag");
}

// The Id and Filter of `c`, inside whatever element the caller opened.
void WriteBody(XmlWriter& x, const MetricsConfiguration& c) {
  x.Element("Id", c.id);
  const MetricsFilter& f = c.filter;
  switch (f.form) {
    case MetricsFilter::Form::kNone:
      return;
    case MetricsFilter::Form::kPrefix:
      x.Open("Filter").Element("Prefix", f.prefix.value_or("")).Close("Filter");
      return;
    case MetricsFilter::Form::kTag:
      x.Open("Filter");
      WriteTag(x, f.tags.at(0));
      x.Close("Filter");
      return;
    case MetricsFilter::Form::kAccessPointArn:
      x.Open("Filter").Element("AccessPointArn", f.access_point_arn.value_or("")).Close("Filter");
      return;
    case MetricsFilter::Form::kAnd:
      x.Open("Filter").Open("And");
      if (f.prefix) x.Element("Prefix", *f.prefix);
      for (const auto& t : f.tags) WriteTag(x, t);
      if (f.access_point_arn) x.Element("AccessPointArn", *f.access_point_arn);
      x.Close("And").Close("Filter");
      return;
  }
}

Error BadId(std::string_view id) {
  return MakeError("InvalidArgument",
                   "The Id must be 1 to 64 characters of letters, numbers, periods, dashes and "
                   "underscores.")
      .With("ArgumentName", "id")
      .With("ArgumentValue", std::string(id));
}

}  // namespace

bool IsValidMetricsId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_';
  });
}

Result<MetricsConfiguration> ParseMetricsConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "MetricsConfiguration");
  if (!root || !OnlyChildren(root, {"Id", "Filter"}) || CountChildren(root, "Id") != 1 ||
      CountChildren(root, "Filter") > 1) {
    return MalformedXmlError();
  }
  MetricsConfiguration c;
  c.id = root.child("Id").text().get();
  if (!IsValidMetricsId(c.id)) return BadId(c.id);
  if (pugi::xml_node filter = root.child("Filter")) {
    auto f = ParseFilter(filter);
    if (!f.ok()) return std::move(f).error();
    c.filter = std::move(*f);
  }
  return c;
}

std::string MetricsConfigurationXml(const MetricsConfiguration& config) {
  XmlWriter x("MetricsConfiguration");
  WriteBody(x, config);
  return x.Finish();
}

std::string ListMetricsConfigurationsXml(std::span<const MetricsConfiguration> page,
                                         std::string_view continuation_token,
                                         std::string_view next_token) {
  XmlWriter x("ListMetricsConfigurationsResult");
  x.Bool("IsTruncated", !next_token.empty());
  if (!continuation_token.empty()) x.Element("ContinuationToken", continuation_token);
  if (!next_token.empty()) x.Element("NextContinuationToken", next_token);
  for (const MetricsConfiguration& c : page) {
    x.Open("MetricsConfiguration");
    WriteBody(x, c);
    x.Close("MetricsConfiguration");
  }
  return x.Finish();
}

std::string StoredMetricsConfigurations(std::span<const MetricsConfiguration> configs) {
  if (configs.empty()) return "";
  XmlWriter x("MetricsConfigurations");
  for (const MetricsConfiguration& c : configs) {
    x.Open("MetricsConfiguration");
    WriteBody(x, c);
    x.Close("MetricsConfiguration");
  }
  return x.Finish();
}

Result<std::vector<MetricsConfiguration>> ParseStoredMetricsConfigurations(
    std::string_view stored) {
  std::vector<MetricsConfiguration> out;
  if (stored.empty()) return out;
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, stored, "MetricsConfigurations");
  if (!root) return MalformedXmlError();
  for (pugi::xml_node c : root.children("MetricsConfiguration")) {
    MetricsConfiguration config;
    config.id = c.child("Id").text().get();
    if (pugi::xml_node filter = c.child("Filter")) {
      auto f = ParseFilter(filter);
      if (!f.ok()) return std::move(f).error();
      config.filter = std::move(*f);
    }
    out.push_back(std::move(config));
  }
  return out;
}

bool MetricsFilterMatches(const MetricsFilter& filter, const std::optional<std::string_view>& key,
                          const TagSet& tags) {
  if (filter.form == MetricsFilter::Form::kNone) return true;
  if (!key) return false;  // a filter selects objects: requests without one are not counted
  if (filter.access_point_arn) return false;  // no access points: no request came through one
  if (filter.prefix && !key->starts_with(*filter.prefix)) return false;
  for (const auto& want : filter.tags) {
    if (std::find(tags.begin(), tags.end(), want) == tags.end()) return false;
  }
  return true;
}

}  // namespace evoke::s3
