#include "s3/xml.h"

#include "base/encoding.h"

namespace evoke::s3 {

XmlWriter::XmlWriter(std::string_view root) : root_(root) {
  out_.reserve(1024);
  out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out_ += root;
  out_ += " xmlns=\"";
  out_ += kS3Namespace;
  out_ += "\">";
}

XmlWriter& XmlWriter::Open(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += '>';
  return *this;
}

XmlWriter& XmlWriter::Close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  Open(name);
  AppendXmlEscaped(out_, text);
  return Close(name);
}

XmlWriter& XmlWriter::Element(std::string_view name, uint64_t value) {
  return Element(name, std::string_view(std::to_string(value)));
}

XmlWriter& XmlWriter::Element(std::string_view name, int64_t value) {
  return Element(name, std::string_view(std::to_string(value)));
}

std::string XmlWriter::Finish() {
  Close(root_);
  return std::move(out_);
}

std::string QuoteEtag(std::string_view etag) {
  std::string out = "\"";
  out += etag;
  out += '"';
  return out;
}

std::string_view UnquoteEtag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

}  // namespace evoke::s3
