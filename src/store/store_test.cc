#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "base/ids.h"
#include "store/blobs.h"
#include "store/committer.h"
#include "store/database.h"
#include "store/functions.h"
#include "store/layers.h"
#include "store/objects.h"

namespace evoke::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evoke-store-test-" + RandomHex(6));
    fs::create_directories(dir_);
    blobs_ = std::make_unique<BlobStore>((dir_ / "blobs").string());
    ASSERT_TRUE(blobs_->Init().ok());
    auto db = Database::Open((dir_ / "evoke.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    auto writer = db_->OpenWriter();
    ASSERT_TRUE(writer.ok());
    committer_ = std::make_unique<Committer>(std::move(*writer), *blobs_);
    ASSERT_TRUE(Run([](WriteTxn& t) { return CreateBucket(t, {"b", 1, "us-east-1", ""}); }).ok());
  }
  void TearDown() override {
    committer_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }

  Status Run(std::function<Status(WriteTxn&)> f) { return committer_->RunBlocking(std::move(f)); }

  // Writes a blob with `data` and commits an object naming it.
  Status PutBlobObject(const std::string& key, const std::string& data) {
    auto w = blobs_->Create();
    if (!w.ok()) return std::move(w).error();
    Status s = w->Write(data);
    if (!s.ok()) return s;
    ObjectRecord o;
    o.bucket = "b";
    o.key = key;
    o.size = data.size();
    o.etag = "e";
    o.segments = {{w->id(), data.size()}};
    s = Run([&](WriteTxn& t) { return PutObject(t, o); });
    if (s.ok()) w->Keep();
    return s;
  }

  size_t BlobCount() {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir_ / "blobs")) n += e.is_regular_file();
    return n;
  }

  fs::path dir_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Committer> committer_;
};

TEST_F(StoreTest, PutGetReplaceDelete) {
  ASSERT_TRUE(PutBlobObject("k", "one").ok());
  auto reader = db_->Reader();
  auto got = GetObject(*reader, "b", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->size, 3u);
  EXPECT_EQ(BlobCount(), 1u);
  ASSERT_TRUE(PutBlobObject("k", "two!").ok());
  EXPECT_EQ(BlobCount(), 1u);  // the replaced blob went after the commit
  auto deleted = std::make_shared<bool>(false);
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                auto r = DeleteObject(t, "b", "k");
                if (!r.ok()) return Status(std::move(r).error());
                *deleted = *r;
                return Status();
              }).ok());
  EXPECT_TRUE(*deleted);
  EXPECT_EQ(BlobCount(), 0u);
  EXPECT_FALSE(GetObject(*reader, "b", "k")->has_value());
}

TEST_F(StoreTest, InlineBodyRoundTripAndReplacesABlob) {
  ASSERT_TRUE(PutBlobObject("k", "from a file").ok());
  ObjectRecord o;
  o.bucket = "b";
  o.key = "k";
  o.inline_body = std::string("in\0the row", 10);
  o.size = o.inline_body.size();
  o.etag = "e";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return PutObject(t, o); }).ok());
  EXPECT_EQ(BlobCount(), 0u);  // the replaced object's blob is gone
  auto reader = db_->Reader();
  auto got = GetObject(*reader, "b", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->inline_body, o.inline_body);
  EXPECT_TRUE((*got)->segments.empty());
  auto listed = ListObjects(*reader, "b", "", "", 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 10u);
}

TEST_F(StoreTest, FailedJobKeepsOthersInTheBatch) {
  ObjectRecord bad;
  bad.bucket = "missing";
  bad.key = "k";
  Status s = Run([&](WriteTxn& t) { return PutObject(t, bad); });
  EXPECT_EQ(s.error().code, "NoSuchBucket");
  EXPECT_TRUE(PutBlobObject("k", "x").ok());
}

TEST_F(StoreTest, UncommittedBlobIsRemovedByItsWriter) {
  {
    auto w = blobs_->Create();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write("abandoned").ok());
  }
  EXPECT_EQ(BlobCount(), 0u);
}

TEST_F(StoreTest, OrphanSweepKeepsReferencedBlobs) {
  ASSERT_TRUE(PutBlobObject("k", "kept").ok());
  auto orphan = blobs_->Create();
  ASSERT_TRUE(orphan.ok());
  orphan->Keep();  // as if the process died before committing
  EXPECT_EQ(BlobCount(), 2u);
  std::set<std::string> referenced;
  auto reader = db_->Reader();
  ASSERT_TRUE(ForEachReferencedBlob(*reader, [&](std::string_view id) {
                referenced.insert(std::string(id));
              }).ok());
  auto removed = blobs_->RemoveOrphans(
      [&](std::string_view id) { return referenced.count(std::string(id)) > 0; });
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(BlobCount(), 1u);
}

TEST_F(StoreTest, ListObjectsHonoursPrefixAndAfter) {
  for (const char* k : {"a", "ab", "abc", "ab\xff", "b", "ac"}) {
    ASSERT_TRUE(Run([&](WriteTxn& t) {
                  ObjectRecord o;
                  o.bucket = "b";
                  o.key = k;
                  return PutObject(t, o);
                }).ok());
  }
  auto reader = db_->Reader();
  auto keys = [&](std::string_view prefix, std::string_view after) {
    std::vector<std::string> out;
    auto listed = ListObjects(*reader, "b", prefix, after, 100);
    for (auto& o : *listed) out.push_back(o.key);
    return out;
  };
  EXPECT_EQ(keys("ab", ""), (std::vector<std::string>{"ab", "abc", "ab\xff"}));
  EXPECT_EQ(keys("ab", "abc"), (std::vector<std::string>{"ab\xff"}));
  EXPECT_EQ(keys("", "ab\xff"), (std::vector<std::string>{"ac", "b"}));
}

TEST_F(StoreTest, MultipartPartsBecomeSegments) {
  UploadRecord u{"up1", "b", "big", 1, {}, "", "", ""};
  ASSERT_TRUE(Run([&](WriteTxn& t) { return CreateUpload(t, u); }).ok());
  std::vector<std::string> blobs;
  for (int n = 1; n <= 3; ++n) {
    auto w = blobs_->Create();
    ASSERT_TRUE(w->Write(std::string(10, 'a' + n)).ok());
    PartRecord p{"up1", n, 10, "e", 1, w->id(), ""};
    ASSERT_TRUE(Run([&](WriteTxn& t) { return PutPart(t, p); }).ok());
    w->Keep();
    blobs.push_back(p.blob);
  }
  ObjectRecord o;
  o.bucket = "b";
  o.key = "big";
  o.size = 20;
  o.part_count = 2;
  o.segments = {{blobs[0], 10}, {blobs[2], 10}};  // part 2 left out
  ASSERT_TRUE(Run([&](WriteTxn& t) { return CompleteUpload(t, "up1", o); }).ok());
  EXPECT_EQ(BlobCount(), 2u);
  auto reader = db_->Reader();
  auto got = GetObject(*reader, "b", "big");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->segments.size(), 2u);
  EXPECT_FALSE(GetUpload(*reader, "up1")->has_value());
  EXPECT_EQ(Run([&](WriteTxn& t) { return AbortUpload(t, "up1"); }).error().code, "NoSuchUpload");
}

TEST_F(StoreTest, DeleteBucketRules) {
  ASSERT_TRUE(PutBlobObject("k", "x").ok());
  EXPECT_EQ(Run([](WriteTxn& t) { return DeleteBucket(t, "b"); }).error().code, "BucketNotEmpty");
  EXPECT_EQ(Run([](WriteTxn& t) { return DeleteBucket(t, "nope"); }).error().code, "NoSuchBucket");
  EXPECT_EQ(Run([](WriteTxn& t) { return CreateBucket(t, {"b", 1, "us-east-1", ""}); }).error().code,
            "BucketAlreadyOwnedByYou");
}

// Publishes a layer version of `name` with a fresh blob; returns it.
LayerVersionRecord PublishBlobLayer(BlobStore& blobs,
                                    const std::function<Status(std::function<Status(WriteTxn&)>)>& run,
                                    const std::string& name) {
  auto w = blobs.Create();
  EXPECT_TRUE(w.ok());
  EXPECT_TRUE(w->Write("zip").ok());
  LayerVersionRecord layer;
  layer.name = name;
  layer.config_json = "{}";
  layer.code_blob = w->id();
  layer.code_sha256 = "sha";
  layer.code_size = 3;
  Status s = run([&](WriteTxn& t) -> Status {
    auto published = PublishLayerVersion(t, layer, "arn:aws:lambda:us-east-1:1:layer:" + name);
    if (!published.ok()) return std::move(published).error();
    layer = *published;
    return {};
  });
  EXPECT_TRUE(s.ok());
  w->Keep();
  return layer;
}

TEST_F(StoreTest, LayerVersionsAreNeverReusedAndStayWhileUsed) {
  auto run = [&](std::function<Status(WriteTxn&)> f) { return Run(std::move(f)); };
  LayerVersionRecord v1 = PublishBlobLayer(*blobs_, run, "pillow");
  LayerVersionRecord v2 = PublishBlobLayer(*blobs_, run, "pillow");
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.arn, "arn:aws:lambda:us-east-1:1:layer:pillow:2");

  // A function uses version 1; deleting it only hides it.
  FunctionRecord f;
  f.name = "fn";
  f.config_json = "{\"layers\":[\"" + v1.arn + "\"]}";
  f.code_blob = "none";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return CreateFunction(t, f); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) { return DeleteLayerVersion(t, "pillow", 1); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) { return DeleteLayerVersion(t, "pillow", 2); }).ok());
  {
    auto reader = db_->Reader();
    auto kept = GetLayerVersion(*reader, "pillow", 1);
    ASSERT_TRUE(kept.ok() && kept->has_value());
    EXPECT_TRUE((*kept)->deleted);
    EXPECT_FALSE(GetLayerVersion(*reader, "pillow", 2)->has_value());
    EXPECT_TRUE(ListLayerVersions(*reader, "pillow", 0, 10)->empty());
    EXPECT_TRUE(ListLayerNames(*reader, "", 10)->empty());
    std::vector<std::string> referenced;
    ASSERT_TRUE(ForEachReferencedBlob(*reader, [&](std::string_view id) {
                  referenced.emplace_back(id);
                }).ok());
    EXPECT_NE(std::find(referenced.begin(), referenced.end(), v1.code_blob), referenced.end());
  }
  EXPECT_TRUE(fs::exists(blobs_->PathOf(v1.code_blob)));
  EXPECT_FALSE(fs::exists(blobs_->PathOf(v2.code_blob)));

  // Numbering goes on after deletes.
  LayerVersionRecord v3 = PublishBlobLayer(*blobs_, run, "pillow");
  EXPECT_EQ(v3.version, 3);
  {
    auto reader = db_->Reader();
    auto listed = ListLayerVersions(*reader, "pillow", 0, 10);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].version, 3);
  }

  // Once the function lets go of version 1, it goes for good.
  f.config_json = "{\"layers\":[]}";
  f.reserved_concurrency = 5;
  ASSERT_TRUE(Run([&](WriteTxn& t) { return ReplaceFunction(t, f); }).ok());
  {
    auto reader = db_->Reader();
    EXPECT_FALSE(GetLayerVersion(*reader, "pillow", 1)->has_value());
    auto reserved = ListReservedConcurrency(*reader);
    ASSERT_EQ(reserved->size(), 1u);
    EXPECT_EQ((*reserved)[0], std::make_pair(std::string("fn"), 5));
    auto usage = GetCodeUsage(*reader);
    EXPECT_EQ(usage->function_count, 1u);
    EXPECT_EQ(usage->total_code_size, 3u);  // version 3
  }
  EXPECT_FALSE(fs::exists(blobs_->PathOf(v1.code_blob)));
  ASSERT_TRUE(Run([&](WriteTxn& t) { return SetReservedConcurrency(t, "fn", std::nullopt); }).ok());
  EXPECT_EQ(Run([&](WriteTxn& t) { return SetReservedConcurrency(t, "gone", 1); }).error().code,
            "ResourceNotFoundException");
  auto reader = db_->Reader();
  EXPECT_TRUE(ListReservedConcurrency(*reader)->empty());
}

TEST_F(StoreTest, PolicyAndEventInvokeConfigSurviveRewrites) {
  FunctionRecord f;
  f.name = "fn";
  f.config_json = "{}";
  f.code_blob = "none";
  f.policy = "ignored by CreateFunction";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return CreateFunction(t, f); }).ok());
  {
    auto reader = db_->Reader();
    auto got = GetFunction(*reader, "fn");
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->policy, "");
    EXPECT_EQ((*got)->event_invoke_config, "");
  }
  ASSERT_TRUE(Run([&](WriteTxn& t) { return SetFunctionPolicy(t, "fn", "{\"p\":1}"); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) { return SetEventInvokeConfig(t, "fn", "{\"e\":1}"); }).ok());
  // A configuration or code update rewrites the record without them.
  f.config_json = "{\"x\":1}";
  f.policy.clear();
  ASSERT_TRUE(Run([&](WriteTxn& t) { return ReplaceFunction(t, f); }).ok());
  {
    auto reader = db_->Reader();
    auto got = GetFunction(*reader, "fn");
    EXPECT_EQ((*got)->config_json, "{\"x\":1}");
    EXPECT_EQ((*got)->policy, "{\"p\":1}");
    EXPECT_EQ((*got)->event_invoke_config, "{\"e\":1}");
    auto listed = ListFunctions(*reader, "", 10);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].event_invoke_config, "{\"e\":1}");
  }
  ASSERT_TRUE(Run([&](WriteTxn& t) { return SetEventInvokeConfig(t, "fn", ""); }).ok());
  {
    auto reader = db_->Reader();
    EXPECT_EQ((*GetFunction(*reader, "fn"))->event_invoke_config, "");
  }
  EXPECT_EQ(Run([&](WriteTxn& t) { return SetEventInvokeConfig(t, "gone", "{}"); }).error().code,
            "ResourceNotFoundException");
}

TEST(Encodings, SegmentsAndHeadersRoundTrip) {
  std::vector<Segment> segs{{"aa", 1}, {"bb", 12345678901}};
  auto back = DecodeSegments(EncodeSegments(segs));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].blob, "bb");
  EXPECT_EQ(back[1].size, 12345678901u);
  HeaderList h{{"Content-Type", "text/plain"}, {"x-amz-meta-a", ""}};
  EXPECT_EQ(DecodeHeaders(EncodeHeaders(h)), h);
  EXPECT_TRUE(DecodeSegments("").empty());
}

}  // namespace
}  // namespace evoke::store
