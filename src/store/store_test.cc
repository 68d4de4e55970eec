#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/ids.h"
#include "store/blobs.h"
#include "store/committer.h"
#include "store/database.h"
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
