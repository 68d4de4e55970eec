// UploadPart and UploadPartCopy: one part of a multipart upload, from the request body or
// from a range of another object. A part carries the upload's checksum, computed here when
// the client did not send one.
#include <charconv>

#include "s3/actions.h"
#include "s3/body.h"
#include "s3/copy_source.h"
#include "s3/encryption.h"
#include "s3/multipart.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/upload_common.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

Result<std::optional<ChecksumAlgorithm>> UploadAlgorithm(const store::UploadRecord& upload) {
  if (upload.checksum_algorithm.empty()) return std::optional<ChecksumAlgorithm>();
  auto a = ParseChecksumAlgorithm(upload.checksum_algorithm);
  if (!a) return MakeError("InternalError", "stored upload has an unknown checksum algorithm");
  return std::optional<ChecksumAlgorithm>(*a);
}

Task<Status> CommitPart(Context& ctx, const store::UploadRecord& upload, int part_number,
                        WrittenBody& written) {
  store::PartRecord part;
  part.upload_id = upload.upload_id;
  part.part_number = part_number;
  part.size = written.size;
  part.etag = written.md5_hex;
  part.modified_ms = ctx.NowMs();
  part.blob = written.blob ? written.blob->id() : "";
  part.checksum_value = written.checksum_base64;
  Status s = co_await ctx.Commit(
      written.blobs(), [&](store::WriteTxn& t) { return ctx.deps.objects.PutPart(t, part); });
  if (s.ok() && written.blob) written.blob->Keep();
  co_return s;
}

}  // namespace

Task<Status> UploadPart(Context& ctx) {
  auto part_number = PartNumberOf(ctx);
  if (!part_number.ok()) co_return std::move(part_number).error();
  if (Status e = CheckNoEncryptionHeaders(ctx.req().headers); !e.ok()) co_return e;
  auto upload = FindUpload(ctx);
  if (!upload.ok()) co_return std::move(upload).error();
  auto upload_alg = UploadAlgorithm(*upload);
  if (!upload_alg.ok()) co_return std::move(upload_alg).error();
  // Object Lock: a part of an object that will be locked must prove its integrity.
  store::HeaderList stashed = upload->headers;
  if (HasObjectLock(NewVersionLock(ctx, upload->bucket, TakeStashedObjectLock(stashed)))) {
    if (Status l = RequireObjectLockIntegrity(ctx.req().headers, "Put Part"); !l.ok()) co_return l;
  }

  BodyReader body(ctx.ex, ctx.auth, ctx.deps.hashing);
  Status s = body.Prepare();
  if (!s.ok()) co_return s;
  if (body.expected_length() && *body.expected_length() > kMaxSinglePutSize) {
    co_return MakeError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        .With("ProposedSize", std::to_string(*body.expected_length()))
        .With("MaxSizeAllowed", std::to_string(kMaxSinglePutSize));
  }
  if (*upload_alg && body.checksum_algorithm() && *body.checksum_algorithm() != **upload_alg) {
    co_return MakeError("InvalidRequest",
                        "Checksum Type mismatch occurred, expected checksum Type: " +
                            http::ToLower(ChecksumName(**upload_alg)) + ", actual checksum Type: " +
                            http::ToLower(ChecksumName(*body.checksum_algorithm())));
  }
  auto written = co_await WriteBody(ctx, body, /*may_inline=*/false);
  if (!written.ok()) co_return std::move(written).error();
  if (*upload_alg && !written->checksum_algorithm) {
    // The client sent none: compute the upload's checksum from the stored bytes.
    Checksummer sum(**upload_alg);
    if (written->blob) {
      auto f = ctx.deps.blobs.Open(written->blob->id());
      if (!f.ok()) co_return std::move(f).error();
      std::string buf(1 << 20, '\0');
      for (uint64_t off = 0; off < written->size;) {
        auto got = (*f)->ReadAt(buf.data(), buf.size(), off);
        if (!got.ok()) co_return std::move(got).error();
        if (*got == 0) break;
        sum.Update(std::string_view(buf.data(), *got));
        off += *got;
      }
    }
    written->checksum_algorithm = *upload_alg;
    written->checksum_base64 = sum.FinalBase64();
  }
  if (!*upload_alg) written->checksum_base64.clear();  // only the upload's algorithm is kept
  s = co_await CommitPart(ctx, *upload, *part_number, *written);
  if (!s.ok()) co_return s;

  http::Response r = ctx.NewResponse();
  r.headers.Add("ETag", QuoteEtag(written->md5_hex));
  if (written->checksum_algorithm) {
    r.headers.Add(std::string(ChecksumHeader(*written->checksum_algorithm)), written->checksum_base64);
  }
  AddEncryptionHeader(r.headers);
  co_return ctx.Reply(std::move(r));
}

Task<Status> UploadPartCopy(Context& ctx) {
  const http::Request& req = ctx.req();
  auto part_number = PartNumberOf(ctx);
  if (!part_number.ok()) co_return std::move(part_number).error();
  if (Status e = CheckNoEncryptionHeaders(req.headers); !e.ok()) co_return e;
  auto source = ParseCopySource(*req.headers.Get("x-amz-copy-source"));
  if (!source.ok()) co_return std::move(source).error();
  auto upload = FindUpload(ctx);
  if (!upload.ok()) co_return std::move(upload).error();
  auto upload_alg = UploadAlgorithm(*upload);
  if (!upload_alg.ok()) co_return std::move(upload_alg).error();
  auto opened = OpenCopySource(ctx, *source);
  if (!opened.ok()) co_return std::move(opened).error();
  uint64_t size = opened->record.size;

  uint64_t first = 0, length = size;
  if (auto range = req.headers.Get("x-amz-copy-source-range")) {
    std::string_view r = *range;
    uint64_t a = 0, b = 0;
    bool well_formed = false;
    if (r.starts_with("bytes=")) {
      std::string_view spec = r.substr(6);
      size_t dash = spec.find('-');
      if (dash != std::string_view::npos) {
        auto [pa, ea] = std::from_chars(spec.data(), spec.data() + dash, a);
        auto [pb, eb] = std::from_chars(spec.data() + dash + 1, spec.data() + spec.size(), b);
        well_formed = dash > 0 && dash + 1 < spec.size() && ea == std::errc() &&
                      pa == spec.data() + dash && eb == std::errc() &&
                      pb == spec.data() + spec.size();
      }
    }
    if (!well_formed) {
      co_return MakeError("InvalidArgument",
                          "The x-amz-copy-source-range value must be of the form bytes=first-last "
                          "where first and last are the zero-based offsets of the first and last "
                          "bytes to copy")
          .With("ArgumentName", "x-amz-copy-source-range");
    }
    if (a > b || b >= size) {
      co_return MakeError("InvalidArgument",
                          "Range specified is not valid for source object of size: " +
                              std::to_string(size))
          .With("ArgumentName", "x-amz-copy-source-range");
    }
    first = a;
    length = b - a + 1;
  }
  if (length > kMaxSinglePutSize) {
    co_return MakeError("InvalidRequest", "The specified copy source is larger than the maximum "
                                          "allowable size for a copy source: 5368709120");
  }
  auto written = co_await CopyIntoBlob(ctx, *opened, first, length, *upload_alg);
  if (!written.ok()) co_return std::move(written).error();
  Status s = co_await CommitPart(ctx, *upload, *part_number, *written);
  if (!s.ok()) co_return s;

  XmlWriter x("CopyPartResult");
  x.Element("ETag", QuoteEtag(written->md5_hex)).Element("LastModified", FormatS3Time(ctx.NowMs()));
  if (*upload_alg) x.Element(ChecksumXmlElement(**upload_alg), written->checksum_base64);
  http::Response r = ctx.XmlResponse(x.Finish());
  if (const auto& v = opened->record.version_id; !v.empty()) {
    r.headers.Add("x-amz-copy-source-version-id", v);
  }
  AddEncryptionHeader(r.headers);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
