// GetObjectAttributes: an object's ETag, checksum, parts, storage class and size, whichever the
// request names, without its body; conditional as GetObject is.
#include "s3/object_attributes.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "base/time_format.h"
#include "s3/actions.h"
#include "s3/checksum.h"
#include "s3/conditions.h"
#include "s3/encryption.h"
#include "s3/object_io.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

Result<int64_t> HeaderInt(const http::Headers& headers, std::string_view name, int64_t fallback) {
  auto v = headers.Get(name);
  if (!v) return fallback;
  int64_t n = -1;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 0 || n > INT32_MAX) {
    return MakeError("InvalidArgument",
                     "Provided " + std::string(name) + " not an integer or within integer range")
        .With("ArgumentName", std::string(name))
        .With("ArgumentValue", std::string(*v));
  }
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<AttributesRequest> ParseAttributesRequest(const http::Headers& headers) {
  AttributesRequest out;
  bool any = false;
  std::string names = headers.GetCombined("x-amz-object-attributes").value_or("");
  std::string_view rest = names;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view name = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (name.empty()) continue;
    bool* flag = name == "ETag"           ? &out.etag
                 : name == "Checksum"     ? &out.checksum
                 : name == "ObjectParts"  ? &out.object_parts
                 : name == "StorageClass" ? &out.storage_class
                 : name == "ObjectSize"   ? &out.object_size
                                          : nullptr;
    if (!flag) {
      return MakeError("InvalidArgument", "Invalid attribute name specified.")
          .With("ArgumentName", "x-amz-object-attributes")
          .With("ArgumentValue", std::string(name));
    }
    *flag = any = true;
  }
  if (!any) {
    return MakeError("InvalidRequest",
                     "The x-amz-object-attributes header specifying the attributes to be "
                     "retrieved is either missing or empty");
  }
  auto max_parts = HeaderInt(headers, "x-amz-max-parts", kMaxAttributeParts);
  if (!max_parts.ok()) return std::move(max_parts).error();
  auto marker = HeaderInt(headers, "x-amz-part-number-marker", 0);
  if (!marker.ok()) return std::move(marker).error();
  out.max_parts = *max_parts;
  out.part_number_marker = *marker;
  return out;
}

std::string ObjectAttributesXml(const store::ObjectRecord& o, const AttributesRequest& request) {
  std::optional<ChecksumAlgorithm> alg;
  if (!o.checksum_algorithm.empty()) alg = ParseChecksumAlgorithm(o.checksum_algorithm);
  XmlWriter x("GetObjectAttributesResponse");
  if (request.etag) x.Element("ETag", o.etag);
  if (request.checksum && alg) {
    std::string_view value = o.checksum_value;
    // A composite checksum is reported here without the part count HeadObject appends.
    if (o.checksum_type == "COMPOSITE") value = value.substr(0, value.rfind('-'));
    x.Open("Checksum").Element(ChecksumXmlElement(*alg), value);
    x.Element("ChecksumType", o.checksum_type.empty() ? "FULL_OBJECT" : o.checksum_type);
    x.Close("Checksum");
  }
  if (request.object_parts && o.part_count > 0) {
    x.Open("ObjectParts");
    // S3 lists the parts only of objects uploaded with a checksum; of the others it gives the
    // count alone.
    if (alg && !o.parts.empty()) {
      auto first = std::find_if(o.parts.begin(), o.parts.end(), [&](const store::ObjectPart& p) {
        return p.part_number > request.part_number_marker;
      });
      size_t available = static_cast<size_t>(o.parts.end() - first);
      size_t count = static_cast<size_t>(std::min(request.max_parts, kMaxAttributeParts));
      count = std::min(count, available);
      int64_t next = count > 0 ? first[count - 1].part_number : request.part_number_marker;
      // As S3 answers a max-parts of 0: an empty page that is not truncated.
      x.Bool("IsTruncated", count > 0 && count < available);
      x.Element("MaxParts", request.max_parts);
      x.Element("NextPartNumberMarker", next);
      x.Element("PartNumberMarker", request.part_number_marker);
      for (size_t i = 0; i < count; ++i) {
        const store::ObjectPart& p = first[i];
        x.Open("Part");
        if (!p.checksum_value.empty()) x.Element(ChecksumXmlElement(*alg), p.checksum_value);
        x.Element("PartNumber", p.part_number).Element("Size", p.size);
        x.Close("Part");
      }
    }
    x.Element("PartsCount", o.part_count);
    x.Close("ObjectParts");
  }
  if (request.storage_class) {
    x.Element("StorageClass", o.storage_class.empty() ? "STANDARD" : o.storage_class);
  }
  if (request.object_size) x.Element("ObjectSize", o.size);
  return x.Finish();
}

Task<Status> GetObjectAttributes(Context& ctx) {
  const http::Request& req = ctx.req();
  // S3 asks for the object's read permission too: s3:GetObject, or s3:GetObjectVersion for a
  // version (the table has decided s3:GetObject(Version)Attributes).
  std::string_view read_action =
      req.query.Has("versionId") ? "s3:GetObjectVersion" : "s3:GetObject";
  Status s = ctx.Authorize(read_action, "arn:aws:s3:::" + ctx.target.bucket + "/" + ctx.target.key);
  if (!s.ok()) co_return s;
  s = CheckNoEncryptionHeaders(req.headers);
  if (!s.ok()) co_return s;
  s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  auto request = ParseAttributesRequest(req.headers);
  if (!request.ok()) co_return std::move(request).error();
  auto version_id = RequestedVersion(req);
  if (!version_id.ok()) co_return std::move(version_id).error();
  store::ObjectRecord o;
  {
    auto reader = ctx.deps.txns.Read();
    auto found = FindObject(*reader, ctx, ctx.target.bucket, ctx.target.key, *version_id);
    if (!found.ok()) co_return std::move(found).error();
    o = std::move(*found);
  }
  auto answered = AnswerReadConditions(ctx, o);
  if (!answered.ok()) co_return std::move(answered).error();
  if (*answered) co_return Status{};
  http::Response r = ctx.XmlResponse(ObjectAttributesXml(o, *request));
  r.headers.Add("Last-Modified", FormatHttpDate(o.modified_ms / 1000));
  AddVersionHeader(r, o);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
