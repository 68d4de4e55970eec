// DeleteObjects: up to 1000 keys in one request and one commit; quiet mode reports only
// failures. A version Object Lock protects gets its own AccessDenied.
#include <pugixml.hpp>

#include "s3/actions.h"
#include "s3/object_events.h"
#include "s3/body.h"
#include "s3/errors.h"
#include "s3/names.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/xml.h"
#include "store/objects.h"

namespace evoke::s3 {
namespace {

constexpr size_t kMaxKeys = 1000;

struct DeleteEntry {
  std::string key;
  std::string version_id;  // empty: none given
  bool has_version = false;
};

struct DeleteRequest {
  bool quiet = false;
  std::vector<DeleteEntry> keys;
};

Result<DeleteRequest> ParseDelete(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_node root = LoadRequestRoot(doc, xml, "Delete");
  if (!root) return MalformedXmlError();
  DeleteRequest d;
  for (pugi::xml_node n : root.children()) {
    if (n.type() != pugi::node_element) continue;
    std::string_view name = n.name();
    if (name == "Quiet") {
      d.quiet = std::string_view(n.text().get()) == "true";
    } else if (name == "Object") {
      pugi::xml_node key = n.child("Key");
      if (!key) return MalformedXmlError();
      DeleteEntry entry{key.text().get(), {}, false};
      if (pugi::xml_node version = n.child("VersionId")) {
        entry.version_id = version.text().get();
        entry.has_version = true;
      }
      d.keys.push_back(std::move(entry));
    } else {
      return MalformedXmlError();
    }
  }
  if (d.keys.empty() || d.keys.size() > kMaxKeys) return MalformedXmlError();
  return d;
}

}  // namespace

Status RequireIntegrityHeader(const http::Headers& h) {
  bool has_integrity = h.Has("Content-MD5");
  for (ChecksumAlgorithm a : kAllChecksums) has_integrity |= h.Has(ChecksumHeader(a));
  has_integrity |= h.Has("x-amz-trailer");
  if (!has_integrity) {
    return MakeError("InvalidRequest", "Missing required header for this request: Content-Md5.");
  }
  return {};
}

Task<Status> DeleteObjects(Context& ctx) {
  if (Status s = RequireIntegrityHeader(ctx.req().headers); !s.ok()) co_return s;
  Status s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  auto xml = co_await ReadDocument(ctx.ex, ctx.auth, 2 * 1024 * 1024);
  if (!xml.ok()) co_return std::move(xml).error();
  auto request = ParseDelete(*xml);
  if (!request.ok()) co_return std::move(request).error();

  const std::vector<DeleteEntry>& entries = request->keys;
  std::vector<Status> results(entries.size());
  std::vector<store::DeleteOutcome> outcomes(entries.size());
  std::string bucket = ctx.target.bucket;
  s = CheckBypassHeader(ctx, bucket);
  if (!s.ok()) co_return s;
  std::vector<bool> bypass(entries.size(), false);
  // As S3 does: s3:DeleteObject (s3:DeleteObjectVersion for a version) is checked for each key;
  // a key the caller may not delete gets its own AccessDenied in the result.
  for (size_t i = 0; i < entries.size(); ++i) {
    results[i] = ValidateKey(entries[i].key);
    if (results[i].ok() && entries[i].has_version) {
      auto v = CheckVersionId(entries[i].version_id, "versionId");
      if (!v.ok()) results[i] = std::move(v).error();
    }
    if (results[i].ok()) {
      results[i] = ctx.Authorize(
          entries[i].has_version ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
          "arn:aws:s3:::" + bucket + "/" + entries[i].key);
    }
    if (results[i].ok() && entries[i].has_version) {
      bypass[i] = BypassesGovernance(ctx, entries[i].key);
    }
  }
  std::vector<Status> locked(entries.size());
  s = co_await ctx.Commit([&](store::WriteTxn& t) -> Status {
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!results[i].ok()) continue;
      locked[i] = CheckDeleteAllowed(t, ctx, bucket, entries[i].key, entries[i].version_id,
                                     bypass[i]);
      if (!locked[i].ok() && locked[i].error().code != "AccessDenied") return locked[i];
      if (!locked[i].ok()) continue;  // Object Lock protects it: this key's own error
      // A failure here (the bucket gone, the store, an event that cannot be queued) fails the
      // whole request: nothing is deleted without its event.
      Status deleted =
          DeleteAndPublish(t, ctx, bucket, entries[i].key, entries[i].version_id, outcomes[i]);
      if (!deleted.ok()) return deleted;
    }
    return {};
  });
  if (!s.ok()) co_return s;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (results[i].ok() && !locked[i].ok()) results[i] = std::move(locked[i]);
  }

  XmlWriter x("DeleteResult");
  for (size_t i = 0; i < entries.size(); ++i) {
    const DeleteEntry& e = entries[i];
    if (results[i].ok()) {
      if (request->quiet) continue;
      const store::DeleteOutcome& o = outcomes[i];
      x.Open("Deleted").Element("Key", e.key);
      if (e.has_version) x.Element("VersionId", e.version_id);
      if (o.delete_marker) {
        x.Bool("DeleteMarker", true).Element("DeleteMarkerVersionId", o.version_id);
      }
      x.Close("Deleted");
    } else {
      x.Open("Error").Element("Key", e.key);
      if (e.has_version) x.Element("VersionId", e.version_id);
      x.Element("Code", results[i].error().code);
      x.Element("Message", results[i].error().message).Close("Error");
    }
  }
  co_return ctx.Reply(ctx.XmlResponse(x.Finish()));
}

}  // namespace evoke::s3
