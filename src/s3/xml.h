// XML for the S3 wire: a small writer for responses (escaped, in S3's namespace) and helpers
// over pugixml for request documents. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pugi {
class xml_document;
class xml_node;
}

namespace evoke::s3 {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

class XmlWriter {
 public:
  // Starts the document with the root element in S3's namespace.
  explicit XmlWriter(std::string_view root);
  XmlWriter& Open(std::string_view name);
  // Opens `name` with attributes written as given (`attributes` is trusted markup:
  // R"(xmlns:xsi="..." xsi:type="Group")").
  XmlWriter& Open(std::string_view name, std::string_view attributes);
  XmlWriter& Close(std::string_view name);
  XmlWriter& Element(std::string_view name, std::string_view text);
  XmlWriter& Element(std::string_view name, uint64_t value);
  XmlWriter& Element(std::string_view name, int64_t value);
  XmlWriter& Element(std::string_view name, int value) { return Element(name, static_cast<int64_t>(value)); }
  XmlWriter& Bool(std::string_view name, bool value) { return Element(name, value ? "true" : "false"); }
  // Closes the root and returns the document.
  std::string Finish();

 private:
  std::string root_;
  std::string out_;
};

// Parses a request document. False when it is not well-formed XML, or when a name, text or
// attribute is not valid UTF-8 once entities are decoded (pugixml decodes &#xD800; without
// complaint; stored, it would break every later response or event that carries it). S3 answers
// both with MalformedXML. `options` are pugixml's parse flags; 0 means its defaults, with an
// element's text of whitespace only kept as it is (a key "  " is not the empty key).
bool LoadRequestXml(pugi::xml_document& doc, std::string_view xml, unsigned options = 0);

// The root element of a request document that LoadRequestXml accepts and whose root is named
// `root_name`; an empty node (false) otherwise, which S3 answers with MalformedXML.
pugi::xml_node LoadRequestRoot(pugi::xml_document& doc, std::string_view xml,
                               std::string_view root_name);

// S3's answer to a request document that does not parse or does not fit its schema.
Error MalformedXmlError();

// Quotes an ETag for the wire: "abc".
std::string QuoteEtag(std::string_view etag);
// Removes surrounding quotes (and a W/ prefix) from a client-supplied ETag.
std::string_view UnquoteEtag(std::string_view etag);

}  // namespace evoke::s3
