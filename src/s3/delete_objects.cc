// DeleteObjects: up to 1000 keys in one request and one commit; quiet mode reports only
// failures.
#include <pugixml.hpp>

#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/body.h"
#include "s3/errors.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/xml.h"
#include "store/errors.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

constexpr size_t kMaxKeys = 1000;

Error Malformed() {
  return MakeError("MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
}

struct DeleteRequest {
  bool quiet = false;
  std::vector<std::string> keys;
};

Result<DeleteRequest> ParseDelete(std::string_view xml) {
  pugi::xml_document doc;
  if (!LoadRequestXml(doc, xml)) return Malformed();
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "Delete") return Malformed();
  DeleteRequest d;
  for (pugi::xml_node n : root.children()) {
    if (n.type() != pugi::node_element) continue;
    std::string_view name = n.name();
    if (name == "Quiet") {
      d.quiet = std::string_view(n.text().get()) == "true";
    } else if (name == "Object") {
      pugi::xml_node key = n.child("Key");
      if (!key) return Malformed();
      d.keys.emplace_back(key.text().get());
    } else {
      return Malformed();
    }
  }
  if (d.keys.empty() || d.keys.size() > kMaxKeys) return Malformed();
  return d;
}

}  // namespace

Task<Status> DeleteObjects(Context& ctx) {
  const http::Headers& h = ctx.req().headers;
  bool has_integrity = h.Has("Content-MD5");
  for (ChecksumAlgorithm a : kAllChecksums) has_integrity |= h.Has(ChecksumHeader(a));
  has_integrity |= h.Has("x-amz-trailer");
  if (!has_integrity) {
    co_return MakeError("InvalidRequest", "Missing required header for this request: Content-Md5.");
  }
  Status s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 2 * 1024 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto request = ParseDelete(*xml);
  if (!request.ok()) co_return std::move(request).error();

  std::vector<Status> results(request->keys.size());
  std::string bucket = ctx.target.bucket;
  // As S3 does: s3:DeleteObject is checked for each key; a key the caller may not delete gets
  // its own AccessDenied in the result.
  for (size_t i = 0; i < request->keys.size(); ++i) {
    results[i] = ValidateKey(request->keys[i]);
    if (results[i].ok()) {
      results[i] = ctx.Authorize("s3:DeleteObject", "arn:aws:s3:::" + bucket + "/" +
                                                        request->keys[i]);
    }
  }
  s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    for (size_t i = 0; i < request->keys.size(); ++i) {
      if (!results[i].ok()) continue;
      auto r = ctx.deps.objects.DeleteObject(t, bucket, request->keys[i]);
      if (!r.ok()) {
        if (store::Is(r.error(), store::kNotFound, "bucket")) return std::move(r).error();
        results[i] = S3Error(std::move(r).error());
      } else if (*r) {
        Status published =
            PublishObjectEvent(t, ctx, RemovedEvent(bucket, request->keys[i], ctx.NowMs()));
        if (!published.ok()) return published;
      }
    }
    return {};
  });
  if (!s.ok()) co_return s;

  XmlWriter x("DeleteResult");
  for (size_t i = 0; i < request->keys.size(); ++i) {
    if (results[i].ok()) {
      if (!request->quiet) x.Open("Deleted").Element("Key", request->keys[i]).Close("Deleted");
    } else {
      x.Open("Error").Element("Key", request->keys[i]).Element("Code", results[i].error().code);
      x.Element("Message", results[i].error().message).Close("Error");
    }
  }
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

}  // namespace evoke::s3
