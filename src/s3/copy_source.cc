#include "s3/copy_source.h"

#include "base/encoding.h"
#include "s3/conditions.h"
#include "s3/tagging.h"

namespace evoke::s3 {
namespace {

constexpr uint64_t kCopyChunk = 1024 * 1024;

Error BadSource() {
  return MakeError("InvalidArgument",
                   "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
      .With("ArgumentName", "x-amz-copy-source");
}

}  // namespace

Result<CopySource> ParseCopySource(std::string_view header) {
  size_t q = header.find('?');
  std::string_view path = header.substr(0, q);
  std::string version_id;
  if (q != std::string_view::npos) {
    std::string_view query = header.substr(q + 1);
    if (query.starts_with("versionId=")) {
      auto v = CheckVersionId(query.substr(10), "x-amz-copy-source");
      if (!v.ok()) return std::move(v).error();
      version_id = std::move(*v);
    }
  }
  if (path.starts_with('/')) path.remove_prefix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size()) return BadSource();
  auto bucket = UriDecode(path.substr(0, slash), false);
  auto key = UriDecode(path.substr(slash + 1), false);
  if (!bucket || !key) return BadSource();
  return CopySource{std::move(*bucket), std::move(*key), std::move(version_id)};
}

Result<OpenedObject> OpenCopySource(Context& ctx, const CopySource& source) {
  // A copy reads its source: the caller needs s3:GetObject on it as well as s3:PutObject on the
  // destination (which the authorize stage checked).
  // Decided with the source's tags as s3:ExistingObjectTag/<key>; a source that cannot be
  // opened is still decided first, so a caller without access learns nothing of it.
  auto opened = OpenObject(ctx, source.bucket, source.key, source.version_id);
  std::vector<std::pair<std::string, std::string>> tags;
  if (opened.ok()) {
    for (const auto& [k, v] : TagsOf(opened->record.headers)) {
      tags.emplace_back("s3:ExistingObjectTag/" + k, v);
    }
  }
  std::string_view action = source.version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion";
  Status allowed =
      ctx.authorize
          ? ctx.authorize(action, "arn:aws:s3:::" + source.bucket + "/" + source.key, tags)
          : MakeError("AccessDenied", "Access Denied");
  if (!allowed.ok()) return std::move(allowed).error();
  if (!opened.ok()) {
    if (opened.error().code == "MethodNotAllowed") {
      return MakeError("InvalidRequest",
                       "The source of a copy request may not specifically refer to a delete "
                       "marker by version id.");
    }
    return opened;
  }
  const auto& o = opened->record;
  if (EvaluateCopySourceConditions(ctx.req().headers, o.etag, o.modified_ms / 1000) !=
      Precondition::kProceed) {
    return MakeError("PreconditionFailed",
                     "At least one of the pre-conditions you specified did not hold")
        .With("Condition", "x-amz-copy-source-If-Match");
  }
  return opened;
}

Task<Result<WrittenBody>> CopyIntoBlob(Context& ctx, const OpenedObject& source, uint64_t offset,
                                       uint64_t length, std::optional<ChecksumAlgorithm> checksum) {
  WrittenBody out;
  Digest md5(Digest::Kind::kMd5);
  std::optional<Checksummer> sum;
  if (checksum) sum.emplace(*checksum);
  std::string chunk;
  uint64_t left = length;
  while (left > 0) {
    if (!out.blob) {
      auto w = ctx.deps.blobs.Create();
      if (!w.ok()) co_return std::move(w).error();
      out.blob = std::move(*w);
    }
    chunk.clear();
    uint64_t take = std::min(left, kCopyChunk);
    Status s = ReadObjectBytes(source, offset, take, chunk);
    if (!s.ok()) co_return std::move(s).error();
    md5.Update(chunk);
    if (sum) sum->Update(chunk);
    s = out.blob->Write(chunk);
    if (!s.ok()) co_return std::move(s).error();
    offset += take;
    left -= take;
    // Let the thread's other connections run between chunks of a large copy.
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }
  out.size = length;
  out.md5_hex = HexEncode(md5.Final());
  out.checksum_algorithm = checksum;
  if (sum) out.checksum_base64 = sum->FinalBase64();
  co_return out;
}

}  // namespace evoke::s3
