#include "s3/multipart.h"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/ids.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

Error Malformed() {
  return MakeError("MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
}

}  // namespace

Result<std::vector<RequestedPart>> ParseCompleteMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "CompleteMultipartUpload");
  if (!root) return Malformed();
  std::vector<RequestedPart> parts;
  for (pugi::xml_node node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    if (std::string_view(node.name()) != "Part") return Malformed();
    RequestedPart p;
    bool have_number = false;
    for (pugi::xml_node field : node.children()) {
      if (field.type() != pugi::node_element) continue;
      std::string_view name = field.name();
      std::string_view text = field.text().get();
      if (name == "PartNumber") {
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), p.part_number);
        if (ec != std::errc() || ptr != text.data() + text.size()) return Malformed();
        have_number = true;
      } else if (name == "ETag") {
        p.etag = std::string(UnquoteEtag(text));
      } else if (name.starts_with("Checksum")) {
        p.checksum = std::string(text);
      }
    }
    if (!have_number) return Malformed();
    parts.push_back(std::move(p));
  }
  if (parts.empty()) return Malformed();
  return parts;
}

Result<Assembly> AssembleParts(std::string_view upload_id, const std::vector<RequestedPart>& requested,
                               const std::vector<store::PartRecord>& stored,
                               uint64_t min_part_size) {
  for (size_t i = 1; i < requested.size(); ++i) {
    if (requested[i].part_number <= requested[i - 1].part_number) {
      return MakeError("InvalidPartOrder",
                       "The list of parts was not in ascending order. The parts list must be "
                       "specified in order by part number.")
          .With("UploadId", std::string(upload_id));
    }
  }
  Assembly a;
  std::vector<std::string> etags;
  for (size_t i = 0; i < requested.size(); ++i) {
    const RequestedPart& want = requested[i];
    auto it = std::find_if(stored.begin(), stored.end(), [&](const store::PartRecord& p) {
      return p.part_number == want.part_number;
    });
    if (it == stored.end() || it->etag != want.etag ||
        (!want.checksum.empty() && !it->checksum_value.empty() &&
         want.checksum != it->checksum_value)) {
      return MakeError("InvalidPart",
                       "One or more of the specified parts could not be found.  The part may not "
                       "have been uploaded, or the specified entity tag may not match the part's "
                       "entity tag.")
          .With("UploadId", std::string(upload_id))
          .With("PartNumber", std::to_string(want.part_number))
          .With("ETag", want.etag);
    }
    bool last = i + 1 == requested.size();
    if (!last && it->size < min_part_size) {
      return MakeError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
          .With("ProposedSize", std::to_string(it->size))
          .With("MinSizeAllowed", std::to_string(min_part_size))
          .With("PartNumber", std::to_string(want.part_number))
          .With("ETag", want.etag);
    }
    a.size += it->size;
    etags.push_back(it->etag);
    a.parts.push_back(*it);
  }
  auto etag = MultipartEtag(etags);
  if (!etag) return MakeError("InternalError", "a stored part has a malformed ETag");
  a.etag = std::move(*etag);
  return a;
}

std::optional<std::string> MultipartEtag(const std::vector<std::string>& part_etags) {
  std::string raw;
  for (const auto& e : part_etags) {
    auto bytes = HexDecode(e);
    if (!bytes || bytes->size() != 16) return std::nullopt;
    raw += *bytes;
  }
  return HexEncode(Md5(raw)) + "-" + std::to_string(part_etags.size());
}

std::string NewUploadId() {
  // 36 random bytes in URL-safe base64 without padding: 48 characters.
  std::string id = Base64Encode(RandomBytes(36));
  for (char& c : id) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  // The aws CLI reads "--upload-id -abc" as a missing value followed by an option.
  if (id[0] == '-') id[0] = 'A';
  return id;
}

}  // namespace evoke::s3
