#include "s3/upload_common.h"

#include <charconv>

#include "s3/errors.h"
#include "s3/multipart.h"

namespace evoke::s3 {

Result<store::UploadRecord> FindUpload(Context& ctx) {
  const std::string* id = ctx.req().query.Get("uploadId");
  auto missing = [&] { return NoSuchUpload(id ? *id : ""); };
  if (!id || id->empty()) return missing();
  auto reader = ctx.deps.txns.Read();
  auto upload = ctx.deps.objects.GetUpload(*reader, *id);
  if (!upload.ok()) return std::move(upload).error();
  if (!upload->has_value() || (*upload)->bucket != ctx.target.bucket ||
      (*upload)->key != ctx.target.key) {
    auto bucket = ctx.deps.objects.GetBucket(*reader, ctx.target.bucket);
    if (bucket.ok() && !bucket->has_value()) {
      return MakeError("NoSuchBucket", "The specified bucket does not exist")
          .With("BucketName", ctx.target.bucket);
    }
    return missing();
  }
  return std::move(**upload);
}

Result<int> PartNumberOf(const Context& ctx) {
  const std::string* pn = ctx.req().query.Get("partNumber");
  int n = 0;
  if (pn) {
    auto [p, ec] = std::from_chars(pn->data(), pn->data() + pn->size(), n);
    if (ec == std::errc() && p == pn->data() + pn->size() && n >= 1 && n <= kMaxPartNumber) return n;
  }
  return MakeError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
      .With("ArgumentName", "partNumber")
      .With("ArgumentValue", pn ? *pn : "");
}

}  // namespace evoke::s3
