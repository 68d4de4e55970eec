#include "s3/xml.h"

#include <pugixml.hpp>

#include "base/encoding.h"

namespace evoke::s3 {

namespace {

bool IsUtf8Node(const pugi::xml_node& node) {
  if (!IsValidUtf8(node.name()) || !IsValidUtf8(node.value())) return false;
  for (const pugi::xml_attribute& a : node.attributes()) {
    if (!IsValidUtf8(a.name()) || !IsValidUtf8(a.value())) return false;
  }
  return true;
}

// Every name, value and attribute of the tree is valid UTF-8 (which excludes surrogates).
// Walked without recursion: a hostile document may nest a million deep.
bool IsUtf8Tree(const pugi::xml_node& root) {
  pugi::xml_node node = root;
  while (node) {
    if (!IsUtf8Node(node)) return false;
    if (node.first_child()) {
      node = node.first_child();
      continue;
    }
    while (node != root && !node.next_sibling()) node = node.parent();
    if (node == root) break;
    node = node.next_sibling();
  }
  return true;
}

}  // namespace

bool LoadRequestXml(pugi::xml_document& doc, std::string_view xml, unsigned options) {
  // Whitespace is data: a key or tag value of spaces only must reach the action as sent.
  if (options == 0) options = pugi::parse_default | pugi::parse_ws_pcdata_single;
  return doc.load_buffer(xml.data(), xml.size(), options) && IsUtf8Tree(doc);
}

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

XmlWriter& XmlWriter::Open(std::string_view name, std::string_view attributes) {
  out_ += '<';
  out_ += name;
  out_ += ' ';
  out_ += attributes;
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

pugi::xml_node LoadRequestRoot(pugi::xml_document& doc, std::string_view xml,
                               std::string_view root_name) {
  if (!LoadRequestXml(doc, xml)) return {};
  pugi::xml_node root = doc.document_element();
  return std::string_view(root.name()) == root_name ? root : pugi::xml_node();
}

Error MalformedXmlError() {
  return MakeError("MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
}

}  // namespace evoke::s3
