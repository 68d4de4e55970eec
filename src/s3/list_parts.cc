// ListParts and ListMultipartUploads: what a multipart upload holds so far, and which uploads
// a bucket has in progress.
#include <charconv>

#include "base/encoding.h"
#include "s3/actions.h"
#include "s3/multipart.h"
#include "s3/object_io.h"
#include "s3/upload_common.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

Result<int64_t> IntParam(const http::Query& q, std::string_view name, int64_t fallback,
                         int64_t max) {
  const std::string* v = q.Get(name);
  if (!v) return fallback;
  int64_t n = -1;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 0) {
    return MakeError("InvalidArgument", "Provided " + std::string(name) +
                                            " not an integer or within integer range")
        .With("ArgumentName", std::string(name))
        .With("ArgumentValue", *v);
  }
  return std::min(n, max);
}

void WriteInitiatorAndOwner(XmlWriter& x, const Context& ctx) {
  x.Open("Initiator").Element("ID", ctx.options.owner_id);
  x.Element("DisplayName", ctx.options.owner_display_name).Close("Initiator");
  x.Open("Owner").Element("ID", ctx.options.owner_id);
  x.Element("DisplayName", ctx.options.owner_display_name).Close("Owner");
}

}  // namespace

Task<Status> ListParts(Context& ctx) {
  const auto& q = ctx.req().query;
  auto upload = FindUpload(ctx);
  if (!upload.ok()) co_return std::move(upload).error();
  auto max_parts = IntParam(q, "max-parts", 1000, 1000);
  if (!max_parts.ok()) co_return std::move(max_parts).error();
  auto marker = IntParam(q, "part-number-marker", 0, kMaxPartNumber);
  if (!marker.ok()) co_return std::move(marker).error();
  std::vector<store::PartRecord> parts;
  {
    auto reader = ctx.deps.txns.Read();
    auto got = ctx.deps.objects.ListParts(*reader, upload->upload_id, static_cast<int>(*marker),
                                          static_cast<size_t>(*max_parts) + 1);
    if (!got.ok()) co_return std::move(got).error();
    parts = std::move(*got);
  }
  bool truncated = parts.size() > static_cast<size_t>(*max_parts);
  if (truncated) parts.resize(static_cast<size_t>(*max_parts));
  auto alg = upload->checksum_algorithm.empty() ? std::nullopt
                                                : ParseChecksumAlgorithm(upload->checksum_algorithm);

  XmlWriter x("ListPartsResult");
  x.Element("Bucket", upload->bucket).Element("Key", upload->key).Element("UploadId", upload->upload_id);
  x.Element("PartNumberMarker", *marker);
  if (!parts.empty()) x.Element("NextPartNumberMarker", parts.back().part_number);
  x.Element("MaxParts", *max_parts).Bool("IsTruncated", truncated);
  for (const auto& p : parts) {
    x.Open("Part").Element("PartNumber", p.part_number).Element("LastModified", FormatS3Time(p.modified_ms));
    x.Element("ETag", QuoteEtag(p.etag)).Element("Size", p.size);
    if (alg && !p.checksum_value.empty()) x.Element(ChecksumXmlElement(*alg), p.checksum_value);
    x.Close("Part");
  }
  WriteInitiatorAndOwner(x, ctx);
  x.Element("StorageClass", upload->storage_class.empty() ? "STANDARD" : upload->storage_class);
  if (alg) {
    x.Element("ChecksumAlgorithm", upload->checksum_algorithm);
    x.Element("ChecksumType", upload->checksum_type);
  }
  http::Response r = ctx.XmlResponse(x.Finish());
  AddAbortHeaders(r, ctx, *upload);
  co_return ctx.Reply(std::move(r));
}

Task<Status> ListMultipartUploads(Context& ctx) {
  const auto& q = ctx.req().query;
  Status s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  auto max_uploads = IntParam(q, "max-uploads", 1000, 1000);
  if (!max_uploads.ok()) co_return std::move(max_uploads).error();
  std::string prefix = q.Get("prefix") ? *q.Get("prefix") : "";
  std::string delimiter = q.Get("delimiter") ? *q.Get("delimiter") : "";
  std::string key_marker = q.Get("key-marker") ? *q.Get("key-marker") : "";
  std::string id_marker = q.Get("upload-id-marker") ? *q.Get("upload-id-marker") : "";
  bool url = q.Get("encoding-type") && *q.Get("encoding-type") == "url";
  auto enc = [url](std::string_view v) { return url ? UriEncode(v, true) : std::string(v); };
  // Without an upload-id marker, the key marker skips every upload of that key.
  std::string id_floor = key_marker.empty() || !id_marker.empty() ? id_marker : std::string("\xff");

  std::vector<store::UploadRecord> uploads;
  {
    auto reader = ctx.deps.txns.Read();
    auto got = ctx.deps.objects.ListUploads(*reader, ctx.target.bucket, prefix, key_marker,
                                            id_floor, 100000);
    if (!got.ok()) co_return std::move(got).error();
    uploads = std::move(*got);
  }
  XmlWriter x("ListMultipartUploadsResult");
  x.Element("Bucket", ctx.target.bucket).Element("KeyMarker", enc(key_marker));
  x.Element("UploadIdMarker", id_marker);
  std::vector<const store::UploadRecord*> shown;
  std::vector<std::string> prefixes;
  size_t count = 0;
  bool truncated = false;
  std::string next_key, next_id;
  for (const auto& u : uploads) {
    if (!delimiter.empty()) {
      size_t pos = u.key.find(delimiter, prefix.size());
      if (pos != std::string::npos) {
        std::string cp = u.key.substr(0, pos + delimiter.size());
        if (!prefixes.empty() && prefixes.back() == cp) continue;
        if (count == static_cast<size_t>(*max_uploads)) {
          truncated = true;
          break;
        }
        prefixes.push_back(cp);
        ++count;
        continue;
      }
    }
    if (count == static_cast<size_t>(*max_uploads)) {
      truncated = true;
      break;
    }
    shown.push_back(&u);
    next_key = u.key;
    next_id = u.upload_id;
    ++count;
  }
  if (truncated) x.Element("NextKeyMarker", enc(next_key)).Element("NextUploadIdMarker", next_id);
  if (!delimiter.empty()) x.Element("Delimiter", enc(delimiter));
  if (!prefix.empty()) x.Element("Prefix", enc(prefix));
  x.Element("MaxUploads", *max_uploads).Bool("IsTruncated", truncated);
  for (const auto* u : shown) {
    x.Open("Upload").Element("Key", enc(u->key)).Element("UploadId", u->upload_id);
    WriteInitiatorAndOwner(x, ctx);
    x.Element("StorageClass", u->storage_class.empty() ? "STANDARD" : u->storage_class);
    x.Element("Initiated", FormatS3Time(u->initiated_ms));
    if (!u->checksum_algorithm.empty()) x.Element("ChecksumAlgorithm", u->checksum_algorithm);
    x.Close("Upload");
  }
  for (const auto& cp : prefixes) x.Open("CommonPrefixes").Element("Prefix", enc(cp)).Close("CommonPrefixes");
  if (url) x.Element("EncodingType", "url");
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

}  // namespace evoke::s3
