// XML for the S3 wire: a small writer for responses (escaped, in S3's namespace) and helpers
// over pugixml for request documents. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace evoke::s3 {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

class XmlWriter {
 public:
  // Starts the document with the root element in S3's namespace.
  explicit XmlWriter(std::string_view root);
  XmlWriter& Open(std::string_view name);
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

// Quotes an ETag for the wire: "abc".
std::string QuoteEtag(std::string_view etag);
// Removes surrounding quotes (and a W/ prefix) from a client-supplied ETag.
std::string_view UnquoteEtag(std::string_view etag);

}  // namespace evoke::s3
