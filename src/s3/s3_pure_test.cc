// Unit tests for the pure parts of the S3 module: the dispatch table, the error table, names,
// ranges and conditions, checksums, listing, multipart assembly and notification documents.
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "base/encoding.h"
#include "base/hash.h"
#include "base/time_format.h"
#include "s3/acl.h"
#include "s3/checksum.h"
#include "s3/conditions.h"
#include "s3/cors.h"
#include "s3/dispatch.h"
#include "s3/errors.h"
#include "s3/lifecycle.h"
#include "s3/listing.h"
#include "s3/multipart.h"
#include "s3/names.h"
#include "s3/notification.h"
#include "s3/object_io.h"
#include "s3/object_events.h"
#include "s3/tagging.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

http::Query Q(std::string_view raw) { return *http::Query::Parse(raw); }

TEST(Dispatch, Table) {
  http::Headers none, copy;
  copy.Add("x-amz-copy-source", "/b/k");
  struct Case {
    const char* method;
    Level level;
    const char* query;
    bool copy;
    Action want;
  };
  const Case cases[] = {
      {"GET", Level::kService, "", false, Action::kListBuckets},
      {"PUT", Level::kBucket, "", false, Action::kCreateBucket},
      {"DELETE", Level::kBucket, "", false, Action::kDeleteBucket},
      {"HEAD", Level::kBucket, "", false, Action::kHeadBucket},
      {"GET", Level::kBucket, "location", false, Action::kGetBucketLocation},
      {"GET", Level::kBucket, "versioning", false, Action::kGetBucketVersioning},
      {"PUT", Level::kBucket, "versioning", false, Action::kPutBucketVersioning},
      {"GET", Level::kBucket, "notification", false, Action::kGetBucketNotificationConfiguration},
      {"PUT", Level::kBucket, "notification", false, Action::kPutBucketNotificationConfiguration},
      {"GET", Level::kBucket, "", false, Action::kListObjects},
      {"GET", Level::kBucket, "list-type=2&prefix=a", false, Action::kListObjectsV2},
      {"GET", Level::kBucket, "list-type=1", false, Action::kListObjects},
      {"GET", Level::kBucket, "versions", false, Action::kListObjectVersions},
      {"GET", Level::kBucket, "uploads", false, Action::kListMultipartUploads},
      {"POST", Level::kBucket, "delete", false, Action::kDeleteObjects},
      {"PUT", Level::kObject, "", false, Action::kPutObject},
      {"PUT", Level::kObject, "", true, Action::kCopyObject},
      {"GET", Level::kObject, "", false, Action::kGetObject},
      {"GET", Level::kObject, "partNumber=2", false, Action::kGetObject},
      {"HEAD", Level::kObject, "", false, Action::kHeadObject},
      {"DELETE", Level::kObject, "", false, Action::kDeleteObject},
      {"POST", Level::kObject, "uploads", false, Action::kCreateMultipartUpload},
      {"PUT", Level::kObject, "partNumber=1&uploadId=x", false, Action::kUploadPart},
      {"PUT", Level::kObject, "partNumber=1&uploadId=x", true, Action::kUploadPartCopy},
      {"GET", Level::kObject, "uploadId=x", false, Action::kListParts},
      {"POST", Level::kObject, "uploadId=x", false, Action::kCompleteMultipartUpload},
      {"DELETE", Level::kObject, "uploadId=x", false, Action::kAbortMultipartUpload},
      {"GET", Level::kObject, "tagging", false, Action::kGetObjectTagging},
      {"PUT", Level::kObject, "tagging", false, Action::kPutObjectTagging},
      {"DELETE", Level::kObject, "tagging", false, Action::kDeleteObjectTagging},
      {"GET", Level::kBucket, "tagging", false, Action::kGetBucketTagging},
      {"PUT", Level::kBucket, "tagging", false, Action::kPutBucketTagging},
      {"DELETE", Level::kBucket, "tagging", false, Action::kDeleteBucketTagging},
      {"GET", Level::kBucket, "lifecycle", false, Action::kGetBucketLifecycleConfiguration},
      {"PUT", Level::kBucket, "lifecycle", false, Action::kPutBucketLifecycleConfiguration},
      {"DELETE", Level::kBucket, "lifecycle", false, Action::kDeleteBucketLifecycle},
      {"POST", Level::kBucket, "lifecycle", false, Action::kMethodNotAllowed},
      {"GET", Level::kObject, "tagging&versionId=3HL4kqtJlcpXroDTDmJ", false,
       Action::kGetObjectTagging},
      {"GET", Level::kObject, "acl", false, Action::kGetObjectAcl},
      {"PUT", Level::kObject, "acl", false, Action::kPutObjectAcl},
      {"GET", Level::kBucket, "acl", false, Action::kGetBucketAcl},
      {"PUT", Level::kBucket, "acl", false, Action::kPutBucketAcl},
      {"DELETE", Level::kBucket, "acl", false, Action::kMethodNotAllowed},
      {"DELETE", Level::kObject, "acl", false, Action::kMethodNotAllowed},
      {"GET", Level::kBucket, "ownershipControls", false, Action::kGetBucketOwnershipControls},
      {"PUT", Level::kBucket, "ownershipControls", false, Action::kPutBucketOwnershipControls},
      {"DELETE", Level::kBucket, "ownershipControls", false,
       Action::kDeleteBucketOwnershipControls},
      {"POST", Level::kBucket, "ownershipControls", false, Action::kMethodNotAllowed},
      {"PUT", Level::kBucket, "policy", false, Action::kPutBucketPolicy},
      {"GET", Level::kBucket, "policyStatus", false, Action::kGetBucketPolicyStatus},
      {"DELETE", Level::kBucket, "publicAccessBlock", false, Action::kDeletePublicAccessBlock},
      // Routed for some methods only: never a fall-through to the plain bucket or object action.
      {"PUT", Level::kBucket, "policyStatus", false, Action::kMethodNotAllowed},
      {"POST", Level::kBucket, "policy", false, Action::kMethodNotAllowed},
      {"DELETE", Level::kBucket, "policyStatus", false, Action::kMethodNotAllowed},
      {"PUT", Level::kObject, "policy", false, Action::kMethodNotAllowed},
      {"GET", Level::kObject, "publicAccessBlock", false, Action::kMethodNotAllowed},
      {"GET", Level::kObject, "notification", false, Action::kMethodNotAllowed},
      {"PUT", Level::kBucket, "location", false, Action::kMethodNotAllowed},
      {"GET", Level::kObject, "uploads", false, Action::kMethodNotAllowed},
      {"DELETE", Level::kBucket, "versioning", false, Action::kMethodNotAllowed},
      {"GET", Level::kBucket, "delete", false, Action::kMethodNotAllowed},
      {"POST", Level::kObject, "uploads&uploadId=x", false, Action::kMethodNotAllowed},
      // Parameters that are not sub-resources never refuse a request.
      {"GET", Level::kBucket, "list-type=2&prefix=a&uploads-x=1", false,
       Action::kListObjectsV2},
      // Newer sub-resources must not fall through to the bucket's or object's plain action.
      {"DELETE", Level::kBucket, "metadataConfiguration", false, Action::kNotImplemented},
      {"PUT", Level::kBucket, "abac", false, Action::kNotImplemented},
      {"PUT", Level::kObject, "renameObject", false, Action::kNotImplemented},
      // Metrics configurations: GET with an id reads one, without lists them.
      {"PUT", Level::kBucket, "metrics&id=a", false, Action::kPutBucketMetricsConfiguration},
      {"GET", Level::kBucket, "metrics&id=a", false, Action::kGetBucketMetricsConfiguration},
      {"GET", Level::kBucket, "metrics", false, Action::kListBucketMetricsConfigurations},
      {"DELETE", Level::kBucket, "metrics&id=a", false,
       Action::kDeleteBucketMetricsConfiguration},
      {"GET", Level::kObject, "metrics", false, Action::kMethodNotAllowed},
      {"GET", Level::kObject, "versionId=null", false, Action::kGetObject},
      {"GET", Level::kObject, "versionId=3HL4kqtJlcpXroDTDmJ", false, Action::kGetObject},
      {"PATCH", Level::kObject, "", false, Action::kMethodNotAllowed},
      {"POST", Level::kObject, "", false, Action::kMethodNotAllowed},
      {"PUT", Level::kService, "", false, Action::kMethodNotAllowed},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ActionName(Dispatch(c.method, c.level, Q(c.query), c.copy ? copy : none)),
              ActionName(c.want))
        << c.method << " " << c.query;
  }
}

TEST(Errors, Statuses) {
  EXPECT_EQ(StatusForError("NoSuchKey"), 404);
  EXPECT_EQ(StatusForError("SignatureDoesNotMatch"), 403);
  EXPECT_EQ(StatusForError("InvalidRange"), 416);
  EXPECT_EQ(StatusForError("BucketNotEmpty"), 409);
  EXPECT_EQ(StatusForError("MissingContentLength"), 411);
  EXPECT_EQ(StatusForError("NotImplemented"), 501);
  EXPECT_EQ(StatusForError("SomethingInternal"), 500);
  // The table is sorted, without duplicates (binary search).
  auto all = ErrorStatuses();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].code, all[i].code);
}

TEST(Xml, RequestDocumentsMustBeUtf8AfterEntitiesAreDecoded) {
  pugi::xml_document doc;
  EXPECT_TRUE(LoadRequestXml(doc, "<a x=\"&#xE9;\">caf\xc3\xa9<b>&#x1F600;</b></a>"));
  EXPECT_FALSE(LoadRequestXml(doc, "<a><b>x</b><c>&#xDFFF;</c></a>"));
  EXPECT_FALSE(LoadRequestXml(doc, "<a x=\"&#xD800;\"/>"));
  EXPECT_FALSE(LoadRequestXml(doc, "<a>\xff</a>"));
  EXPECT_FALSE(LoadRequestXml(doc, "<a>"));
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<d>";
  deep += "&#xD800;";
  for (int i = 0; i < 200000; ++i) deep += "</d>";
  EXPECT_FALSE(LoadRequestXml(doc, deep));  // walked without recursion
}

TEST(Names, BucketRules) {
  for (const char* ok : {"abc", "my-bucket.v2", "a1-b2", "images-1-resized"}) {
    EXPECT_TRUE(ValidateBucketName(ok).ok()) << ok;
  }
  EXPECT_TRUE(ValidateBucketName(std::string(63, 'a')).ok());
  for (const char* bad : {"ab", "UPPER", "under_score", "-start", "end-", "a..b", "a.-b",
                          "192.168.1.1", "xn--abc", "sthree-x", "ab-s3alias", "with space"}) {
    EXPECT_EQ(ValidateBucketName(bad).error().code, "InvalidBucketName") << bad;
  }
  EXPECT_FALSE(ValidateBucketName(std::string(64, 'a')).ok());
}

TEST(Names, Keys) {
  EXPECT_TRUE(ValidateKey(std::string(1024, 'k')).ok());
  EXPECT_EQ(ValidateKey(std::string(1025, 'k')).error().code, "KeyTooLongError");
  EXPECT_EQ(ValidateKey("\xff").error().code, "InvalidArgument");
}

TEST(Names, PathAndVirtualHostTargets) {
  http::Request r;
  r.path = "/bucket/dir/a%20b%2Bc";
  r.headers.Add("Host", "127.0.0.1:9000");
  auto t = ParseTarget(r, {"localhost"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->bucket, "bucket");
  EXPECT_EQ(t->key, "dir/a b+c");
  EXPECT_EQ(t->level, Level::kObject);
  r.path = "/bucket/";
  EXPECT_EQ(ParseTarget(r, {"localhost"})->level, Level::kBucket);
  r.path = "/";
  EXPECT_EQ(ParseTarget(r, {"localhost"})->level, Level::kService);
  http::Request v;
  v.path = "/key/x";
  v.headers.Add("Host", "photos.localhost:9000");
  auto vt = ParseTarget(v, {"localhost"});
  EXPECT_EQ(vt->bucket, "photos");
  EXPECT_EQ(vt->key, "key/x");
  v.path = "/";
  EXPECT_EQ(ParseTarget(v, {"localhost"})->level, Level::kBucket);
  r.path = "/b/%zz";
  EXPECT_EQ(ParseTarget(r, {"localhost"}).error().code, "InvalidURI");
}

TEST(Ranges, Forms) {
  auto r = ParseRange("bytes=0-9", 100);
  EXPECT_EQ(r.kind, RangeSpec::Kind::kRange);
  EXPECT_EQ(r.range.first, 0u);
  EXPECT_EQ(r.range.last, 9u);
  r = ParseRange("bytes=90-", 100);
  EXPECT_EQ(r.range.first, 90u);
  EXPECT_EQ(r.range.last, 99u);
  r = ParseRange("bytes=-5", 100);
  EXPECT_EQ(r.range.first, 95u);
  EXPECT_EQ(r.range.last, 99u);
  r = ParseRange("bytes=-500", 100);
  EXPECT_EQ(r.range.first, 0u);
  r = ParseRange("bytes=50-500", 100);
  EXPECT_EQ(r.range.last, 99u);
  EXPECT_EQ(ParseRange("bytes=100-", 100).kind, RangeSpec::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-0", 100).kind, RangeSpec::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=0-0", 0).kind, RangeSpec::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=5-1", 100).kind, RangeSpec::Kind::kWhole);
  EXPECT_EQ(ParseRange("bytes=0-1,5-6", 100).kind, RangeSpec::Kind::kWhole);
  EXPECT_EQ(ParseRange("items=0-1", 100).kind, RangeSpec::Kind::kWhole);
  EXPECT_EQ(ParseRange("bytes=x-1", 100).kind, RangeSpec::Kind::kWhole);
}

TEST(Conditions, PrecedenceAsS3) {
  const int64_t modified = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  auto eval = [&](std::vector<std::pair<const char*, const char*>> hs) {
    http::Headers h;
    for (auto& [n, v] : hs) h.Add(n, v);
    return EvaluateConditions(h, "abc", modified);
  };
  EXPECT_EQ(eval({}), Precondition::kProceed);
  EXPECT_EQ(eval({{"If-Match", "\"abc\""}}), Precondition::kProceed);
  EXPECT_EQ(eval({{"If-Match", "\"x\", \"abc\""}}), Precondition::kProceed);
  EXPECT_EQ(eval({{"If-Match", "*"}}), Precondition::kProceed);
  EXPECT_EQ(eval({{"If-Match", "\"x\""}}), Precondition::kFailed);
  EXPECT_EQ(eval({{"If-None-Match", "\"abc\""}}), Precondition::kNotModified);
  EXPECT_EQ(eval({{"If-None-Match", "\"x\""}}), Precondition::kProceed);
  EXPECT_EQ(eval({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}), Precondition::kNotModified);
  EXPECT_EQ(eval({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}), Precondition::kProceed);
  EXPECT_EQ(eval({{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}), Precondition::kFailed);
  EXPECT_EQ(eval({{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}), Precondition::kProceed);
  // If-Match true wins over a failing If-Unmodified-Since; If-None-Match decides over
  // If-Modified-Since.
  EXPECT_EQ(eval({{"If-Match", "\"abc\""}, {"If-Unmodified-Since", "Sun, 06 Nov 1994 08:00:00 GMT"}}),
            Precondition::kProceed);
  EXPECT_EQ(eval({{"If-None-Match", "\"x\""}, {"If-Modified-Since", "Sun, 06 Nov 1994 09:00:00 GMT"}}),
            Precondition::kProceed);
  http::Headers copy;
  copy.Add("x-amz-copy-source-if-none-match", "\"abc\"");
  EXPECT_EQ(EvaluateCopySourceConditions(copy, "abc", modified), Precondition::kFailed);
}

TEST(Checksums, KnownValuesAndMultipartForms) {
  Checksummer c(ChecksumAlgorithm::kCrc32);
  c.Update("hello world");
  EXPECT_EQ(c.FinalBase64(), "DUoRhQ==");
  Checksummer s(ChecksumAlgorithm::kSha256);
  s.Update("");
  EXPECT_EQ(HexEncode(s.Final()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ParseChecksumAlgorithm("crc32c"), ChecksumAlgorithm::kCrc32c);
  EXPECT_FALSE(ParseChecksumAlgorithm("md5"));

  // Composite: CRC32 of the parts' raw CRC32s, "-N".
  Checksummer p1(ChecksumAlgorithm::kCrc32), p2(ChecksumAlgorithm::kCrc32);
  p1.Update("hello ");
  p2.Update("world");
  std::string b1 = p1.FinalBase64(), b2 = p2.FinalBase64();
  Checksummer outer(ChecksumAlgorithm::kCrc32);
  outer.Update(*Base64Decode(b1) + *Base64Decode(b2));
  EXPECT_EQ(CompositeChecksum(ChecksumAlgorithm::kCrc32, {b1, b2}), outer.FinalBase64() + "-2");
  // Full object: the CRC of the whole body.
  EXPECT_EQ(FullObjectCrc(ChecksumAlgorithm::kCrc32, {b1, b2}, {6, 5}), "DUoRhQ==");
  EXPECT_FALSE(CompositeChecksum(ChecksumAlgorithm::kCrc32, {"not base64"}));
}

std::vector<store::ObjectRecord> Records(std::vector<std::string> keys) {
  std::vector<store::ObjectRecord> out;
  for (auto& k : keys) {
    store::ObjectRecord r;
    r.key = k;
    out.push_back(r);
  }
  return out;
}

// An in-memory fetch over sorted keys, honouring prefix and the exclusive `after`.
FetchObjects MemoryFetch(const std::vector<std::string>& keys, std::string prefix, int* calls) {
  return [keys, prefix, calls](const store::VersionPosition& after,
                               size_t limit) -> Result<std::vector<store::ObjectRecord>> {
    ++*calls;
    std::vector<std::string> out;
    for (const auto& k : keys) {
      if (k > after.key && k.starts_with(prefix) && out.size() < limit) out.push_back(k);
    }
    return Records(out);
  };
}

// Versions in memory: (key, seq) in key order, newest first within a key.
FetchObjects MemoryVersionFetch(const std::vector<std::pair<std::string, int64_t>>& versions) {
  return [versions](const store::VersionPosition& after,
                    size_t limit) -> Result<std::vector<store::ObjectRecord>> {
    std::vector<store::ObjectRecord> out;
    for (const auto& [key, seq] : versions) {
      bool past = key > after.key || (key == after.key && seq < after.seq);
      if (!past || out.size() == limit) continue;
      store::ObjectRecord r;
      r.key = key;
      r.seq = seq;
      r.version_id = "v" + std::to_string(seq);
      out.push_back(std::move(r));
    }
    return out;
  };
}

TEST(Listing, DelimiterRollsUpPrefixesAndCountsThem) {
  std::vector<std::string> keys = {"a/1", "a/2", "a/3", "b", "c/x/1", "c/y", "d"};
  int calls = 0;
  auto page = ListObjectsPage({"", "/", {}, 1000}, MemoryFetch(keys, "", &calls));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->contents.size(), 2u);
  EXPECT_EQ(page->contents[0].key, "b");
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"a/", "c/"}));
  EXPECT_FALSE(page->truncated);

  // Paging through with max-keys 2: a/ b | c/ d
  auto first = ListObjectsPage({"", "/", {}, 2}, MemoryFetch(keys, "", &calls));
  EXPECT_TRUE(first->truncated);
  EXPECT_EQ(first->common_prefixes, (std::vector<std::string>{"a/"}));
  EXPECT_EQ(first->next_marker, "b");
  auto second = ListObjectsPage({"", "/", first->resume, 2}, MemoryFetch(keys, "", &calls));
  EXPECT_EQ(second->common_prefixes, (std::vector<std::string>{"c/"}));
  EXPECT_EQ(second->contents.back().key, "d");
  EXPECT_FALSE(second->truncated);
}

TEST(Listing, PrefixAndNestedDelimiter) {
  std::vector<std::string> keys = {"c/x/1", "c/x/2", "c/y", "c/z/9"};
  int calls = 0;
  auto page = ListObjectsPage({"c/", "/", {}, 1000}, MemoryFetch(keys, "c/", &calls));
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"c/x/", "c/z/"}));
  ASSERT_EQ(page->contents.size(), 1u);
  EXPECT_EQ(page->contents[0].key, "c/y");
}

TEST(Listing, TruncationExactlyAtTheEnd) {
  int calls = 0;
  auto page = ListObjectsPage({"", "", {}, 3}, MemoryFetch({"a", "b", "c"}, "", &calls));
  EXPECT_EQ(page->contents.size(), 3u);
  EXPECT_FALSE(page->truncated);
  auto page2 = ListObjectsPage({"", "", {}, 2}, MemoryFetch({"a", "b", "c"}, "", &calls));
  EXPECT_TRUE(page2->truncated);
  EXPECT_EQ(page2->resume.key, "b");
  auto none = ListObjectsPage({"", "", {}, 0}, MemoryFetch({"a", "b", "c"}, "", &calls));
  EXPECT_TRUE(none->contents.empty());
  EXPECT_FALSE(none->truncated);
}

TEST(Listing, VersionsPageWithinAKeyAndResumeThere) {
  std::vector<std::pair<std::string, int64_t>> versions = {
      {"a", 3}, {"a", 2}, {"a", 1}, {"b", 1}, {"d/x", 2}, {"d/x", 1}};
  auto fetch = MemoryVersionFetch(versions);
  std::vector<std::string> seen;
  store::VersionPosition after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = ListObjectsPage({"", "/", after, 2, /*versions=*/true}, fetch);
    ASSERT_TRUE(page.ok());
    for (const auto& r : page->contents) seen.push_back(r.key + "@" + std::to_string(r.seq));
    for (const auto& cp : page->common_prefixes) seen.push_back(cp);
    if (!page->truncated) break;
    after = page->resume;
  }
  // Every version once, the delimited key's versions rolled into one prefix.
  EXPECT_EQ(seen, (std::vector<std::string>{"a@3", "a@2", "a@1", "b@1", "d/"}));
  // The first page ends inside "a": it resumes after a@2, naming that version.
  auto first = ListObjectsPage({"", "", {}, 2, true}, fetch);
  EXPECT_TRUE(first->truncated);
  EXPECT_EQ(first->next_marker, "a");
  EXPECT_EQ(first->next_version_id, "v2");
  EXPECT_EQ(first->resume.seq, 2);
}

TEST(Multipart, EtagIsMd5OfPartMd5s) {
  std::string e1 = HexEncode(Md5("part one")), e2 = HexEncode(Md5("part two"));
  std::string expected = HexEncode(Md5(Md5("part one") + Md5("part two"))) + "-2";
  EXPECT_EQ(MultipartEtag({e1, e2}), expected);
  EXPECT_FALSE(MultipartEtag({"zz"}));
}

TEST(Multipart, ParseCompleteDocument) {
  auto parts = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><ETag>\"aa\"</ETag>"
      "<PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part><Part><PartNumber>2</PartNumber>"
      "<ETag>bb</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].etag, "aa");
  EXPECT_EQ((*parts)[0].checksum, "AAAAAA==");
  EXPECT_EQ((*parts)[1].part_number, 2);
  EXPECT_EQ(ParseCompleteMultipartUpload("<CompleteMultipartUpload/>").error().code, "MalformedXML");
  EXPECT_EQ(ParseCompleteMultipartUpload("<nope").error().code, "MalformedXML");
  EXPECT_EQ(ParseCompleteMultipartUpload("<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>")
                .error().code,
            "MalformedXML");
}

TEST(Multipart, AssemblyRules) {
  std::string e = HexEncode(Md5("x"));
  std::vector<store::PartRecord> stored = {{"u", 1, kMinPartSize, e, 0, "b1", ""},
                                           {"u", 2, 10, e, 0, "b2", ""},
                                           {"u", 3, 10, e, 0, "b3", ""}};
  auto ok = AssembleParts("u", {{1, e, ""}, {3, e, ""}}, stored);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size, kMinPartSize + 10);
  EXPECT_EQ(ok->parts.size(), 2u);
  EXPECT_TRUE(ok->etag.ends_with("-2"));
  EXPECT_EQ(AssembleParts("u", {{2, e, ""}, {1, e, ""}}, stored).error().code, "InvalidPartOrder");
  EXPECT_EQ(AssembleParts("u", {{1, e, ""}, {1, e, ""}}, stored).error().code, "InvalidPartOrder");
  EXPECT_EQ(AssembleParts("u", {{4, e, ""}}, stored).error().code, "InvalidPart");
  EXPECT_EQ(AssembleParts("u", {{1, "ffff", ""}}, stored).error().code, "InvalidPart");
  EXPECT_EQ(AssembleParts("u", {{2, e, ""}, {3, e, ""}}, stored).error().code, "EntityTooSmall");
  stored[0].checksum_value = "AAAAAA==";
  EXPECT_EQ(AssembleParts("u", {{1, e, "BBBBBB=="}}, stored).error().code, "InvalidPart");
  EXPECT_EQ(NewUploadId().size(), 48u);
  // A leading '-' would make the aws CLI read the id as an option.
  for (int i = 0; i < 2000; ++i) EXPECT_NE(NewUploadId()[0], '-');
}

TEST(Notification, ParsesBothSpellingsAndRendersCanonically) {
  auto c = ParseNotificationConfiguration(
      "<NotificationConfiguration><CloudFunctionConfiguration><Id>thumbs</Id>"
      "<CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:f</CloudFunction>"
      "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>img/</Value>"
      "</FilterRule><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter>"
      "</CloudFunctionConfiguration><LambdaFunctionConfiguration><LambdaFunctionArn>arn:g</LambdaFunctionArn>"
      "<Event>s3:ObjectRemoved:Delete</Event></LambdaFunctionConfiguration></NotificationConfiguration>");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->rules.size(), 2u);
  EXPECT_EQ(c->rules[0].prefix, "img/");
  EXPECT_EQ(c->rules[0].suffix, ".jpg");
  EXPECT_FALSE(c->rules[1].id.empty());  // generated
  std::string xml = RenderNotificationConfiguration(*c);
  EXPECT_NE(xml.find("<CloudFunction>arn:g</CloudFunction>"), std::string::npos);
  auto again = ParseNotificationConfiguration(xml);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(RenderNotificationConfiguration(*again), xml);

  EXPECT_TRUE(RuleMatches(c->rules[0], "s3:ObjectCreated:Put", "img/cat.jpg"));
  EXPECT_FALSE(RuleMatches(c->rules[0], "s3:ObjectCreated:Put", "img/cat.png"));
  EXPECT_FALSE(RuleMatches(c->rules[0], "s3:ObjectRemoved:Delete", "img/cat.jpg"));
  EXPECT_TRUE(RuleMatches(c->rules[1], "s3:ObjectRemoved:Delete", "x"));
}

TEST(Notification, Rejections) {
  EXPECT_EQ(ParseNotificationConfiguration("<Nope/>").error().code, "MalformedXML");
  // A lone surrogate decodes to bytes that are not UTF-8: stored, it broke every later event.
  EXPECT_EQ(ParseNotificationConfiguration(
                "<NotificationConfiguration><LambdaFunctionConfiguration><Id>&#xD800;</Id>"
                "<LambdaFunctionArn>arn:g</LambdaFunctionArn><Event>s3:ObjectCreated:*</Event>"
                "</LambdaFunctionConfiguration></NotificationConfiguration>")
                .error().code,
            "MalformedXML");
  EXPECT_EQ(ParseNotificationConfiguration(
                "<NotificationConfiguration><QueueConfiguration><Queue>arn:q</Queue>"
                "<Event>s3:Bogus</Event></QueueConfiguration></NotificationConfiguration>")
                .error().code,
            "InvalidArgument");
  EXPECT_EQ(ParseNotificationConfiguration(
                "<NotificationConfiguration><QueueConfiguration><Queue>arn:q</Queue><Event>s3:ObjectCreated:*</Event>"
                "<Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter>"
                "</QueueConfiguration></NotificationConfiguration>")
                .error().code,
            "InvalidArgument");
  EXPECT_EQ(ParseNotificationConfiguration(
                "<NotificationConfiguration><TopicConfiguration><Event>s3:ObjectCreated:*</Event>"
                "</TopicConfiguration></NotificationConfiguration>")
                .error().code,
            "MalformedXML");
  EXPECT_TRUE(ParseNotificationConfiguration("<NotificationConfiguration/>")->rules.empty());
}

TEST(Tagging, HeaderAndXmlForms) {
  auto tags = ParseTaggingHeader("project=evoke&note=a%20b%26c&empty=");
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[1], std::make_pair(std::string("note"), std::string("a b&c")));
  EXPECT_EQ((*tags)[2].second, "");
  EXPECT_EQ(EncodeTagging(*tags), "project=evoke&note=a%20b%26c&empty=");
  auto back = ParseTaggingXml(TaggingXml(*tags));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *tags);

  store::HeaderList headers = {{"Content-Type", "text/plain"}};
  SetTags(headers, *tags);
  EXPECT_EQ(TagsOf(headers), *tags);
  SetTags(headers, {});
  EXPECT_EQ(headers.size(), 1u);
  EXPECT_TRUE(TagsOf(headers).empty());
}

TEST(Tagging, Limits) {
  EXPECT_EQ(ParseTaggingHeader("a=1&a=2").error().code, "InvalidTag");
  EXPECT_EQ(ParseTaggingHeader("=v").error().code, "InvalidTag");
  EXPECT_EQ(ParseTaggingHeader("aws:reserved=v").error().code, "InvalidTag");
  EXPECT_EQ(ParseTaggingXml("<Tagging><TagSet><Tag><Key>k</Key><Value>  </Value></Tag></TagSet>"
                            "</Tagging>")
                ->at(0)
                .second,
            "  ");
  EXPECT_EQ(ParseTaggingHeader("k=%zz").error().code, "InvalidArgument");
  std::string eleven;
  for (int i = 0; i < 11; ++i) eleven += "k" + std::to_string(i) + "=v&";
  EXPECT_EQ(ParseTaggingHeader(eleven).error().code, "InvalidTag");
  EXPECT_TRUE(ParseTaggingHeader(std::string(128, 'k') + "=" + std::string(256, 'v')).ok());
  EXPECT_EQ(ParseTaggingHeader(std::string(129, 'k') + "=v").error().code, "InvalidTag");
  EXPECT_EQ(ParseTaggingHeader("k=" + std::string(257, 'v')).error().code, "InvalidTag");
  EXPECT_EQ(ParseTaggingXml("<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>")
                .error()
                .code,
            "MalformedXML");
  EXPECT_EQ(ParseTaggingXml("<Tagging/>").error().code, "MalformedXML");
  EXPECT_TRUE(ParseTaggingXml("<Tagging><TagSet/></Tagging>")->empty());
}

NotificationConfig RulesOf(std::vector<NotificationRule> rules) {
  NotificationConfig c;
  c.rules = std::move(rules);
  return c;
}

NotificationRule Rule(std::vector<std::string> events, std::string prefix, std::string suffix) {
  NotificationRule r;
  r.arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
  r.events = std::move(events);
  r.prefix = std::move(prefix);
  r.suffix = std::move(suffix);
  return r;
}

TEST(Notification, OverlappingRulesAreRefused) {
  const std::vector<std::string> created = {"s3:ObjectCreated:*"};
  const std::vector<std::string> put = {"s3:ObjectCreated:Put"};
  const std::vector<std::string> removed = {"s3:ObjectRemoved:*"};
  // Overlapping: a prefix that starts another, a suffix that ends another, empty filters, a
  // wildcard covering a specific type.
  EXPECT_FALSE(CheckOverlaps(RulesOf({Rule(created, "a/", ""), Rule(created, "a/b/", "")})).ok());
  EXPECT_FALSE(CheckOverlaps(RulesOf({Rule(created, "", ".jpg"), Rule(created, "", "x.jpg")})).ok());
  EXPECT_FALSE(CheckOverlaps(RulesOf({Rule(created, "", ""), Rule(put, "a/", ".png")})).ok());
  auto refused = CheckOverlaps(RulesOf({Rule(created, "", ""), Rule(created, "", "")}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "InvalidArgument");
  // Apart: different prefixes, different suffixes, different event types.
  EXPECT_TRUE(CheckOverlaps(RulesOf({Rule(created, "a/", ""), Rule(created, "b/", "")})).ok());
  EXPECT_TRUE(CheckOverlaps(RulesOf({Rule(created, "a/", ".jpg"), Rule(created, "a/", ".png")})).ok());
  EXPECT_TRUE(CheckOverlaps(RulesOf({Rule(created, "", ""), Rule(removed, "", "")})).ok());
  EXPECT_TRUE(CheckOverlaps(RulesOf({Rule(put, "", ""),
                                     Rule({"s3:ObjectCreated:Copy"}, "", "")})).ok());
}

TEST(ObjectEvents, RecordAsS3WritesIt) {
  ObjectEvent e;
  e.name = "ObjectCreated:Put";
  e.bucket = "images-1";
  e.key = "photos/red flower+1.jpg";
  e.size = 1024;
  e.etag = "d41d8cd98f00b204e9800998ecf8427e";
  e.time_ms = 1'700'000'000'123;
  EventRecordFields f;
  f.region = "us-east-1";
  f.principal_id = "AWS:AKID";
  f.source_ip = "127.0.0.1";
  f.request_id = "C3D13FE58DE4C810";
  f.host_id = "host";
  f.configuration_id = "thumbs";
  f.owner_id = "owner";
  f.sequencer = "0055AED6DCD90281E5";
  EXPECT_EQ(RenderEventDocument(e, f),
            R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",)"
            R"("eventTime":"2023-11-14T22:13:20.123Z","eventName":"ObjectCreated:Put",)"
            R"("userIdentity":{"principalId":"AWS:AKID"},)"
            R"("requestParameters":{"sourceIPAddress":"127.0.0.1"},)"
            R"("responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"host"},)"
            R"("s3":{"s3SchemaVersion":"1.0","configurationId":"thumbs",)"
            R"("bucket":{"name":"images-1","ownerIdentity":{"principalId":"owner"},)"
            R"("arn":"arn:aws:s3:::images-1"},"object":{"key":"photos%2Fred+flower%2B1.jpg",)"
            R"("size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e",)"
            R"("sequencer":"0055AED6DCD90281E5"}}}]})");
  // Removal records carry no size or ETag.
  e.name = "ObjectRemoved:Delete";
  std::string removed = RenderEventDocument(e, f);
  EXPECT_EQ(removed.find("\"size\""), std::string::npos);
  EXPECT_EQ(removed.find("\"eTag\""), std::string::npos);
}

TEST(ObjectEvents, SequencersIncrease) {
  std::string a = NextSequencer(), b = NextSequencer();
  EXPECT_EQ(a.size(), 18u);
  EXPECT_LT(a, b);  // same length, upper-case hex: text order is numeric order
}

}  // namespace
TEST(Acl, CannedAclsAndHeaderGrants) {
  const std::string owner(64, 'a');
  auto of = [&](std::initializer_list<std::pair<std::string, std::string>> fields) {
    http::Headers h;
    for (const auto& [name, value] : fields) h.Add(name, value);
    return AclOfHeaders(h, owner);
  };
  using G = Grant::Grantee;
  EXPECT_FALSE(of({})->has_value());
  EXPECT_EQ(**of({{"x-amz-acl", "private"}}), PrivateAcl());
  EXPECT_EQ(**of({{"x-amz-acl", "bucket-owner-full-control"}}), PrivateAcl());
  Acl public_read = PrivateAcl();
  public_read.push_back({G::kAllUsers, Permission::kRead});
  EXPECT_EQ(**of({{"x-amz-acl", "public-read"}}), public_read);
  EXPECT_TRUE(IsPublicAcl(**of({{"x-amz-acl", "authenticated-read"}})));
  EXPECT_FALSE(IsPublicAcl(**of({{"x-amz-acl", "log-delivery-write"}})));
  EXPECT_EQ(of({{"x-amz-acl", "public"}}).error().code, "InvalidArgument");
  EXPECT_EQ(of({{"x-amz-acl", "private"}, {"x-amz-grant-read", "id=" + owner}}).error().code,
            "InvalidRequest");
  // Grant headers: quoted or not, several per header, exactly the grants named.
  auto grants = of({{"x-amz-grant-read",
                     R"(uri="http://acs.amazonaws.com/groups/global/AllUsers", id=)" + owner},
                    {"x-amz-grant-full-control", "id=\"" + owner + "\""}});
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(**grants, (Acl{{G::kAllUsers, Permission::kRead},
                           {G::kOwner, Permission::kRead},
                           {G::kOwner, Permission::kFullControl}}));
  EXPECT_TRUE(IsOwnerFullControlOnly(**of({{"x-amz-grant-full-control", "id=" + owner}})));
  EXPECT_EQ(of({{"x-amz-grant-read", "id=" + std::string(64, 'b')}}).error().code,
            "InvalidArgument");
  EXPECT_EQ(of({{"x-amz-grant-read", "uri=http://acs.amazonaws.com/groups/global/Nobody"}})
                .error()
                .code,
            "InvalidArgument");
  EXPECT_EQ(of({{"x-amz-grant-read", "emailAddress=a@example.com"}}).error().code,
            "UnresolvableGrantByEmailAddress");
  EXPECT_EQ(of({{"x-amz-grant-write", "owner"}}).error().code, "InvalidArgument");
}

TEST(Acl, XmlRoundTripAndStoredForm) {
  const std::string owner(64, 'c');
  using G = Grant::Grantee;
  Acl acl{{G::kOwner, Permission::kFullControl},
          {G::kAllUsers, Permission::kRead},
          {G::kAuthenticatedUsers, Permission::kReadAcp}};
  std::string xml = AclXml(acl, owner, "me");
  EXPECT_NE(xml.find(R"(xsi:type="Group")"), std::string::npos);
  auto parsed = ParseAclXml(xml, owner);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, acl);
  EXPECT_EQ(DecodeAcl(EncodeAcl(acl)), acl);
  EXPECT_EQ(EncodeAcl(PrivateAcl()), "");
  EXPECT_EQ(DecodeAcl(""), PrivateAcl());
  // No grants at all is not private.
  EXPECT_EQ(DecodeAcl(EncodeAcl({})), Acl{});
  // A stored form that does not read back grants nothing.
  EXPECT_EQ(DecodeAcl("all:EVERYTHING"), Acl{});
  EXPECT_EQ(ParseAclXml("<AccessControlPolicy/>", owner).error().code, "MalformedACLError");
  EXPECT_EQ(ParseAclXml("not xml", owner).error().code, "MalformedACLError");
  EXPECT_EQ(ParseAclXml(AclXml(acl, std::string(64, 'd'), "x"), owner).error().code,
            "AccessDenied");
  std::string bad_permission = xml;
  bad_permission.replace(bad_permission.find("READ_ACP"), 8, "READ_ALL");
  EXPECT_EQ(ParseAclXml(bad_permission, owner).error().code, "MalformedACLError");
}

TEST(Acl, PublicGrantsBecomePolicyStatements) {
  using G = Grant::Grantee;
  EXPECT_EQ(AclPolicyJson(PrivateAcl(), false), "");
  std::string bucket = AclPolicyJson({{G::kAllUsers, Permission::kWrite}}, false);
  EXPECT_NE(bucket.find("s3:PutObject"), std::string::npos);
  EXPECT_EQ(bucket.find("s3:ListBucket"), std::string::npos);
  std::string object = AclPolicyJson({{G::kAuthenticatedUsers, Permission::kRead}}, true);
  EXPECT_NE(object.find("s3:GetObject"), std::string::npos);
  EXPECT_NE(object.find("Anonymous"), std::string::npos);
  EXPECT_EQ(object.find("s3:PutObjectAcl"), std::string::npos);
  EXPECT_NE(AclPolicyJson({{G::kAllUsers, Permission::kFullControl}}, true).find("s3:PutObjectAcl"),
            std::string::npos);
}

TEST(ObjectHeaders, ContentEncodingKeepsAllButAwsChunkedAsSent) {
  auto stored = [](std::string_view value) {
    http::Headers h;
    h.Add("Content-Encoding", std::string(value));
    auto list = StoredHeaders(h);
    EXPECT_TRUE(list.ok());
    for (const auto& [name, v] : *list) {
      if (name == "Content-Encoding") return v;
    }
    return std::string("(none)");
  };
  EXPECT_EQ(stored("deflate, gzip"), "deflate, gzip");
  EXPECT_EQ(stored("gzip"), "gzip");
  EXPECT_EQ(stored("aws-chunked,gzip"), "gzip");
  EXPECT_EQ(stored("aws-chunked, deflate, gzip"), "deflate, gzip");
  EXPECT_EQ(stored("deflate, AWS-Chunked, gzip"), "deflate, gzip");
  EXPECT_EQ(stored("gzip,aws-chunked"), "gzip");
  EXPECT_EQ(stored("aws-chunked"), "(none)");
}

TEST(Lifecycle, DaysRoundUpToTheNextMidnightUtc) {
  constexpr int64_t kDay = 86'400'000;
  int64_t march1_1030 = DaysFromCivil(2028, 3, 1) * kDay + 10 * 3'600'000 + 30 * 60'000;
  EXPECT_EQ(LifecycleDueMs(march1_1030, 1), DaysFromCivil(2028, 3, 3) * kDay);
  // Exactly at midnight stays there.
  EXPECT_EQ(LifecycleDueMs(DaysFromCivil(2028, 3, 1) * kDay, 1), DaysFromCivil(2028, 3, 2) * kDay);
}

TEST(Lifecycle, ParsesEveryFilterFormAndRendersItBack) {
  auto config = ParseLifecycleXml(
      "<LifecycleConfiguration>"
      "<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
      "<Expiration><Days>1</Days></Expiration></Rule>"
      "<Rule><ID>old</ID><Prefix>logs/</Prefix><Status>Disabled</Status>"
      "<NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays>"
      "</NoncurrentVersionExpiration></Rule>"
      "<Rule><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
      "<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>"
      "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>"
      "<Rule><ID>mpu</ID><Filter/><Status>Enabled</Status><AbortIncompleteMultipartUpload>"
      "<DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
      "</LifecycleConfiguration>");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->rules.size(), 4u);
  EXPECT_EQ(config->rules[2].id.size(), 48u);  // made up, as S3 does
  EXPECT_EQ(config->rules[2].filter.tags.size(), 1u);
  // What GET returns parses to the same rules.
  auto again = ParseLifecycleXml(LifecycleXml(*config));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(LifecycleXml(*again), LifecycleXml(*config));
  EXPECT_NE(LifecycleXml(*config).find("<Prefix>logs/</Prefix><Status>"), std::string::npos);
}

TEST(Lifecycle, RefusesWhatS3Refuses) {
  auto code = [](std::string rule) {
    auto r = ParseLifecycleXml("<LifecycleConfiguration><Rule>" + rule +
                               "</Rule></LifecycleConfiguration>");
    return r.ok() ? std::string("ok") : r.error().code;
  };
  const std::string f = "<Filter><Prefix>p</Prefix></Filter>";
  EXPECT_EQ(code(f + "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"), "ok");
  EXPECT_EQ(code(f + "<Status>On</Status><Expiration><Days>1</Days></Expiration>"),
            "MalformedXML");
  EXPECT_EQ(code("<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"),
            "MalformedXML");  // no filter
  EXPECT_EQ(code(f + "<Status>Enabled</Status><Expiration><Days>0</Days></Expiration>"),
            "InvalidArgument");
  EXPECT_EQ(code(f + "<Status>Enabled</Status><Expiration><Days>1</Days><Date>"
                     "2030-01-01T00:00:00Z</Date></Expiration>"),
            "MalformedXML");
  EXPECT_EQ(code(f + "<Status>Enabled</Status><Expiration><Date>2030-01-01T10:00:00Z</Date>"
                     "</Expiration>"),
            "InvalidArgument");
  EXPECT_EQ(code(f + "<Status>Enabled</Status>"), "InvalidRequest");
  EXPECT_EQ(code("<Prefix>p</Prefix><Status>Enabled</Status><NoncurrentVersionExpiration>"
                 "<NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>2"
                 "</NewerNoncurrentVersions></NoncurrentVersionExpiration>"),
            "InvalidRequest");
  EXPECT_EQ(code("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                 "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"
                 "</Expiration>"),
            "InvalidRequest");
  EXPECT_EQ(code(f + "<Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER"
                     "</StorageClass></Transition>"),
            "NotImplemented");
  EXPECT_EQ(code("<ID>" + std::string(256, 'x') + "</ID>" + f +
                 "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"),
            "InvalidArgument");
  auto twice = ParseLifecycleXml(
      "<LifecycleConfiguration><Rule><ID>a</ID>" + f +
      "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><ID>a</ID>" +
      f + "<Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>"
          "</LifecycleConfiguration>");
  EXPECT_EQ(twice.error().code, "InvalidArgument");
  EXPECT_EQ(ParseLifecycleXml("<LifecycleConfiguration/>").error().code, "MalformedXML");
}

TEST(Lifecycle, ExpirationTakesTheEarliestMatchingEnabledRule) {
  auto config = ParseLifecycleXml(
      "<LifecycleConfiguration>"
      "<Rule><ID>week</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
      "<Expiration><Days>7</Days></Expiration></Rule>"
      "<Rule><ID>day</ID><Filter><Tag><Key>t</Key><Value>1</Value></Tag></Filter>"
      "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"
      "<Rule><ID>off</ID><Filter/><Status>Disabled</Status>"
      "<Expiration><Days>1</Days></Expiration></Rule>"
      "</LifecycleConfiguration>");
  ASSERT_TRUE(config.ok());
  store::ObjectRecord o;
  o.key = "tmp/a";
  o.modified_ms = 0;
  auto e = ExpirationOf(*config, o);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->rule_id, "week");
  EXPECT_EQ(e->at_ms, 7 * 86'400'000LL);
  SetTags(o.headers, {{"t", "1"}});
  EXPECT_EQ(ExpirationOf(*config, o)->rule_id, "day");
  o.key = "keep/a";
  o.headers.clear();
  EXPECT_FALSE(ExpirationOf(*config, o).has_value());
  EXPECT_EQ(ExpirationHeader({86'400'000, "day"}),
            "expiry-date=\"Fri, 02 Jan 1970 00:00:00 GMT\", rule-id=\"day\"");
}

TEST(Cors, MatchesOriginsMethodsAndHeadersWithOneWildcard) {
  auto config = ParseCorsXml(
      "<CORSConfiguration>"
      "<CORSRule><AllowedOrigin>https://*.example.com</AllowedOrigin>"
      "<AllowedMethod>GET</AllowedMethod><AllowedHeader>x-amz-*</AllowedHeader>"
      "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>"
      "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod></CORSRule>"
      "</CORSConfiguration>");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(MatchCors(*config, "https://app.example.com", "GET"), &config->rules[0]);
  EXPECT_EQ(MatchCors(*config, "https://app.example.com", "GET", {"x-amz-date"}),
            &config->rules[0]);
  EXPECT_EQ(MatchCors(*config, "https://app.example.com", "GET", {"authorization"}), nullptr);
  EXPECT_EQ(MatchCors(*config, "https://example.org", "GET"), nullptr);
  EXPECT_EQ(MatchCors(*config, "https://example.org", "HEAD"), &config->rules[1]);
  EXPECT_EQ(MatchCors(*config, "https://app.example.com", "PUT"), nullptr);

  http::Headers out;
  AddCorsHeaders(out, config->rules[0], "https://app.example.com");
  EXPECT_EQ(out.Get("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(out.Get("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(out.Get("Access-Control-Max-Age"), "600");
  http::Headers any;
  AddCorsHeaders(any, config->rules[1], "https://example.org");
  EXPECT_EQ(any.Get("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(any.Has("Access-Control-Allow-Credentials"));
  // What GET returns parses to the same rules.
  EXPECT_EQ(CorsXml(*ParseCorsXml(CorsXml(*config))), CorsXml(*config));
  EXPECT_EQ(SplitRequestHeaders(" X-Amz-Date ,, Content-Type"),
            (std::vector<std::string>{"x-amz-date", "content-type"}));
}

TEST(Cors, RefusesWhatS3Refuses) {
  auto code = [](std::string rule) {
    auto r = ParseCorsXml("<CORSConfiguration><CORSRule>" + rule + "</CORSRule></CORSConfiguration>");
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"), "ok");
  EXPECT_EQ(code("<AllowedMethod>GET</AllowedMethod>"), "MalformedXML");
  EXPECT_EQ(code("<AllowedOrigin>*</AllowedOrigin>"), "MalformedXML");
  EXPECT_EQ(code("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>"),
            "InvalidRequest");
  EXPECT_EQ(code("<AllowedOrigin>*a*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"),
            "InvalidRequest");
  EXPECT_EQ(code("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
                 "<MaxAgeSeconds>-1</MaxAgeSeconds>"),
            "MalformedXML");
  EXPECT_EQ(ParseCorsXml("<CORSConfiguration/>").error().code, "MalformedXML");
}

}  // namespace evoke::s3
