#include "s3/tagging.h"

#include <pugixml.hpp>
#include <cctype>
#include <set>

#include "base/encoding.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

constexpr size_t kMaxTags = 10;
constexpr size_t kMaxBucketTags = 50;
constexpr size_t kMaxKeyChars = 128;
constexpr size_t kMaxValueChars = 256;

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Error InvalidTag(std::string message) { return MakeError("InvalidTag", std::move(message)); }

// AWS's tag characters (letters, digits, spaces, and _ . : / = + - @): what bucket tags may
// hold. Characters beyond ASCII pass (they are letters, digits or spaces in the tags people
// write; telling them apart would need Unicode's tables).
bool TagCharactersAllowed(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || std::isalnum(c) || c == ' ') continue;
    if (std::string_view("_.:/=+-@").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<TagSet> ParseTaggingHeader(std::string_view value, Tagged what) {
  TagSet tags;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t amp = value.find('&', pos);
    if (amp == std::string_view::npos) amp = value.size();
    std::string_view pair = value.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = UriDecode(pair.substr(0, eq), true);
    auto val = UriDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !val) {
      return MakeError("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 "
                                          "then URLEncoded URL query parameters without tag name "
                                          "duplicates.")
          .With("ArgumentName", "x-amz-tagging")
          .With("ArgumentValue", std::string(value));
    }
    tags.emplace_back(std::move(*key), std::move(*val));
  }
  Status s = ValidateTags(tags, what);
  if (!s.ok()) return std::move(s).error();
  return tags;
}

Result<TagSet> ParseTaggingXml(std::string_view xml, Tagged what) {
  auto malformed = [] {
    return MakeError("MalformedXML",
                     "The XML you provided was not well-formed or did not validate against our "
                     "published schema");
  };
  pugi::xml_document doc;
  // parse_ws_pcdata: a value of spaces is a value of spaces, not an empty one.
  if (!LoadRequestXml(doc, xml, pugi::parse_default | pugi::parse_ws_pcdata)) {
    return malformed();
  }
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "Tagging") return malformed();
  pugi::xml_node set = root.child("TagSet");
  if (!set) return malformed();
  TagSet tags;
  for (pugi::xml_node tag : set.children()) {
    if (tag.type() != pugi::node_element) continue;
    if (std::string_view(tag.name()) != "Tag") return malformed();
    pugi::xml_node key = tag.child("Key");
    pugi::xml_node value = tag.child("Value");
    if (!key || !value) return malformed();
    tags.emplace_back(key.text().get(), value.text().get());
  }
  Status s = ValidateTags(tags, what);
  if (!s.ok()) return std::move(s).error();
  return tags;
}

Status ValidateTags(const TagSet& tags, Tagged what) {
  if (what == Tagged::kBucket && tags.size() > kMaxBucketTags) {
    return MakeError("BadRequest", "Bucket tag count cannot be greater than 50");
  }
  if (what == Tagged::kObject && tags.size() > kMaxTags) {
    return InvalidTag("Object tags cannot be greater than 10");
  }
  std::set<std::string_view> keys;
  for (const auto& [key, value] : tags) {
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return InvalidTag("The TagKey or TagValue you have provided is invalid");
    }
    if (key.starts_with("aws:")) {
      if (what == Tagged::kBucket) {
        return InvalidTag("System tags cannot be added/updated by requester");
      }
      return InvalidTag("Your TagKey cannot be prefixed with aws:").With("TagKey", key);
    }
    if (what == Tagged::kBucket && !TagCharactersAllowed(key)) {
      return InvalidTag("The TagKey you have provided is invalid").With("TagKey", key);
    }
    if (what == Tagged::kBucket && !TagCharactersAllowed(value)) {
      return InvalidTag("The TagValue you have provided is invalid").With("TagValue", value);
    }
    if (key.empty() || Utf8Chars(key) > kMaxKeyChars) {
      return InvalidTag("The TagKey you have provided is invalid").With("TagKey", key);
    }
    if (Utf8Chars(value) > kMaxValueChars) {
      return InvalidTag("The TagValue you have provided is too long, max 256")
          .With("TagKey", key)
          .With("TagValue", value);
    }
    if (!keys.insert(key).second) {
      return InvalidTag("Cannot provide multiple Tags with the same key").With("TagKey", key);
    }
  }
  return {};
}

std::string EncodeTagging(const TagSet& tags) {
  std::string out;
  for (const auto& [key, value] : tags) {
    if (!out.empty()) out += '&';
    out += UriEncode(key, false) + '=' + UriEncode(value, false);
  }
  return out;
}

std::string TaggingXml(const TagSet& tags) {
  XmlWriter x("Tagging");
  x.Open("TagSet");
  for (const auto& [key, value] : tags) {
    x.Open("Tag").Element("Key", key).Element("Value", value).Close("Tag");
  }
  x.Close("TagSet");
  return x.Finish();
}

TagSet TagsOf(const store::HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (name == kTaggingHeader) {
      auto tags = ParseTaggingHeader(value);  // stored values were validated on the way in
      return tags.ok() ? std::move(*tags) : TagSet{};
    }
  }
  return {};
}

void SetTags(store::HeaderList& headers, const TagSet& tags) {
  std::erase_if(headers, [](const auto& h) { return h.first == kTaggingHeader; });
  if (!tags.empty()) headers.emplace_back(std::string(kTaggingHeader), EncodeTagging(tags));
}

}  // namespace evoke::s3
