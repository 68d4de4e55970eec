// The targets of the code download links (code_link.h): a function's current package and a
// layer version's archive, streamed from the blob store. The service has verified the link's
// signature and expiry like any request's before these run.
#include "base/encoding.h"
#include "lambda/actions.h"
#include "lambda/code_link.h"
#include "lambda/function_json.h"
#include "lambda/layer_config.h"
#include "store/functions.h"
#include "store/layers.h"

namespace evoke::lambda {
namespace {

Error PackageGone() {
  return MakeError("ResourceNotFoundException",
                   "The code package this link names no longer exists.");
}

Task<Status> SendBlob(Context& ctx, const std::string& blob_id, uint64_t size) {
  auto file = ctx.deps.blobs.Open(blob_id);
  if (!file.ok()) {
    // Removed after an update or delete committed since the record was read.
    if (file.error().code == "NoSuchBlob") co_return PackageGone();
    co_return std::move(file).error();
  }
  http::Response head;
  head.status = 200;
  head.headers.Add("Content-Type", "application/zip");
  head.headers.Add("x-amzn-RequestId", ctx.request_id);
  head.content_length = size;
  Status s = co_await ctx.ex.SendHead(head);
  if (!s.ok()) co_return s;
  std::string buf;
  constexpr uint64_t kPiece = 1 << 20;
  for (uint64_t offset = 0; offset < size;) {
    uint64_t n = std::min(kPiece, size - offset);
    buf.resize(n);
    auto got = file->ReadAt(buf.data(), n, offset);
    if (!got.ok()) co_return std::move(got).error();
    if (*got != n) co_return MakeError("ServiceException", "a stored package is shorter than recorded");
    s = co_await ctx.ex.SendBody(buf);
    if (!s.ok()) co_return s;
    offset += n;
  }
  co_return Status();
}

}  // namespace

std::string CodeLocation(const Context& ctx, std::string_view path) {
  auto host = ctx.req().headers.Get("Host");
  return PresignCodeLink(ctx.deps.code_link, host ? *host : std::string_view("localhost"), path,
                         ctx.deps.clock.NowMs() / 1000);
}

Task<Status> DownloadFunctionPackage(Context& ctx) {
  const std::string& name = ctx.path_params.at(0);
  std::optional<store::FunctionRecord> record;
  {
    auto reader = ctx.deps.db.Reader();
    auto found = store::GetFunction(*reader, name);
    if (!found.ok()) co_return std::move(found).error();
    record = std::move(*found);
  }
  if (!record) co_return PackageGone();
  auto sha = Base64Decode(record->code_sha256);
  if (!sha || HexEncode(*sha) != ctx.path_params.at(1)) co_return PackageGone();
  co_return co_await SendBlob(ctx, record->code_blob, record->code_size);
}

Task<Status> DownloadLayerPackage(Context& ctx) {
  auto version = ParseLayerVersionNumber(ctx.path_params.at(1));
  if (!version.ok()) co_return std::move(version).error();
  std::optional<store::LayerVersionRecord> layer;
  {
    auto reader = ctx.deps.db.Reader();
    auto found = store::GetLayerVersion(*reader, ctx.path_params.at(0), *version);
    if (!found.ok()) co_return std::move(found).error();
    layer = std::move(*found);
  }
  if (!layer || layer->deleted) co_return PackageGone();
  co_return co_await SendBlob(ctx, layer->code_blob, layer->code_size);
}

}  // namespace evoke::lambda
