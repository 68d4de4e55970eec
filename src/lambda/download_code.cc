// The targets of the code download links (code_link.h): a function's current package and a
// layer version's archive, streamed from the blob store by the pipeline. The pipeline has
// verified the link's signature and expiry like any request's before these run.
#include <algorithm>
#include <memory>

#include "api/service.h"
#include "base/encoding.h"
#include "lambda/actions.h"
#include "lambda/code_link.h"
#include "lambda/function_json.h"
#include "lambda/layer_config.h"
#include "store/errors.h"
#include "store/functions.h"
#include "store/layers.h"

namespace evoke::lambda {
namespace {

Error PackageGone() {
  return MakeError("ResourceNotFoundException",
                   "The code package this link names no longer exists.");
}

// A stored package, read piece by piece as the pipeline sends it.
class BlobBody final : public api::BodySource {
 public:
  BlobBody(std::unique_ptr<store::BlobReader> blob, uint64_t size)
      : blob_(std::move(blob)), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* out, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset_));
    auto got = blob_->ReadAt(out, n, offset_);
    if (!got.ok()) return std::move(got).error();
    offset_ += *got;
    return *got;
  }

 private:
  std::unique_ptr<store::BlobReader> blob_;
  uint64_t size_;
  uint64_t offset_ = 0;
};

Status ReplyWithBlob(Context& ctx, const std::string& blob_id, uint64_t size) {
  auto file = ctx.deps.store.blobs.Open(blob_id);
  if (!file.ok()) {
    // Removed after an update or delete committed since the record was read.
    if (store::Is(file.error(), store::kNotFound, "blob")) return PackageGone();
    return std::move(file).error();
  }
  api::Output out;
  out.headers.Add("Content-Type", "application/zip");
  out.stream = std::make_shared<BlobBody>(std::move(*file), size);
  return ctx.Reply(std::move(out));
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
    auto reader = ctx.deps.store.txns.Read();
    auto found = ctx.deps.store.functions.GetFunction(*reader, name);
    if (!found.ok()) co_return std::move(found).error();
    record = std::move(*found);
  }
  if (!record) co_return PackageGone();
  auto sha = Base64Decode(record->code_sha256);
  if (!sha || HexEncode(*sha) != ctx.path_params.at(1)) co_return PackageGone();
  co_return ReplyWithBlob(ctx, record->code_blob, record->code_size);
}

Task<Status> DownloadLayerPackage(Context& ctx) {
  auto version = ParseLayerVersionNumber(ctx.path_params.at(1));
  if (!version.ok()) co_return std::move(version).error();
  std::optional<store::LayerVersionRecord> layer;
  {
    auto reader = ctx.deps.store.txns.Read();
    auto found = ctx.deps.store.layers.GetLayerVersion(*reader, ctx.path_params.at(0), *version);
    if (!found.ok()) co_return std::move(found).error();
    layer = std::move(*found);
  }
  if (!layer || layer->deleted) co_return PackageGone();
  co_return ReplyWithBlob(ctx, layer->code_blob, layer->code_size);
}

}  // namespace evoke::lambda
