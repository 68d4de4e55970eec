#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <set>

#include "base/clock.h"
#include "base/ids.h"
#include "store/errors.h"
#include "store/files/file_blob_store.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sqlite_store.h"

// The store's interfaces (docs/store.md), exercised through their embedded implementations:
// SQLite and files.
namespace evoke::store {
namespace {

using sqlite::DecodeHeaders;
using sqlite::DecodeParts;
using sqlite::DecodeSegments;
using sqlite::EncodeHeaders;
using sqlite::EncodeParts;
using sqlite::EncodeSegments;

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evoke-store-test-" + RandomHex(6));
    fs::create_directories(dir_);
    blobs_ = std::make_unique<files::FileBlobStore>((dir_ / "blobs").string());
    ASSERT_TRUE(blobs_->Init().ok());
    Reopen();
    ASSERT_TRUE(Run([&](WriteTxn& t) {
                  return objects().CreateBucket(t, {"b", 1, "us-east-1", ""});
                }).ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Stops the store (if open) and opens it again, as a restart would.
  void Reopen() {
    if (store_) store_->Stop();
    store_.reset();
    auto opened = sqlite::SqliteStore::Open((dir_ / "evoke.db").string(), *blobs_, lease_clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
  }

  Store view() { return store_->view(); }
  ObjectRepository& objects() { return view().objects; }
  FunctionRepository& functions() { return view().functions; }
  LayerRepository& layers() { return view().layers; }
  AsyncQueueStore& queue() { return view().queue; }
  std::unique_ptr<ReadTxn> Read() { return view().txns.Read(); }
  Status Run(std::function<Status(WriteTxn&)> f) { return view().txns.WriteBlocking(std::move(f)); }

  // Writes a blob with `data` and commits an object naming it, as S3's PutObject does: the
  // blob made durable by the job that names it.
  Status PutBlobObject(const std::string& key, const std::string& data) {
    auto w = blobs_->Create();
    if (!w.ok()) return std::move(w).error();
    Status s = (*w)->Write(data);
    if (!s.ok()) return s;
    ObjectRecord o;
    o.bucket = "b";
    o.key = key;
    o.size = data.size();
    o.etag = "e";
    o.segments = {{(*w)->id(), data.size()}};
    std::promise<Status> done;
    view().txns.Submit(WriteJob{{w->get()},
                                [&](WriteTxn& t) { return objects().PutObject(t, o); },
                                [&](Status st) { done.set_value(std::move(st)); }});
    s = done.get_future().get();
    if (s.ok()) (*w)->Keep();
    return s;
  }

  bool BlobExists(const std::string& id) {
    return fs::exists(dir_ / "blobs" / id.substr(0, 2) / id);
  }

  size_t BlobCount() {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir_ / "blobs")) n += e.is_regular_file();
    return n;
  }

  fs::path dir_;
  FakeClock lease_clock_{1'000'000};
  std::unique_ptr<files::FileBlobStore> blobs_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

TEST_F(StoreTest, PutGetReplaceDelete) {
  ASSERT_TRUE(PutBlobObject("k", "one").ok());
  auto reader = Read();
  auto got = objects().GetObject(*reader, "b", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->size, 3u);
  EXPECT_EQ(BlobCount(), 1u);
  ASSERT_TRUE(PutBlobObject("k", "two!").ok());
  EXPECT_EQ(BlobCount(), 1u);  // the replaced blob went after the commit
  auto deleted = std::make_shared<bool>(false);
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                auto r = objects().DeleteObject(t, "b", "k", "", 0);
                if (!r.ok()) return Status(std::move(r).error());
                *deleted = r->removed;
                return Status();
              }).ok());
  EXPECT_TRUE(*deleted);
  EXPECT_EQ(BlobCount(), 0u);
  EXPECT_FALSE(objects().GetObject(*reader, "b", "k")->has_value());
}

TEST_F(StoreTest, VersionsKeepBodiesMarkersAndPromoteTheNewest) {
  ASSERT_TRUE(PutBlobObject("k", "before").ok());  // the null version, from before versioning
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return objects().SetBucketSetting(t, "b", BucketSetting::kVersioning, "Enabled");
              }).ok());
  ASSERT_TRUE(PutBlobObject("k", "one").ok());
  ASSERT_TRUE(PutBlobObject("k", "two").ok());
  EXPECT_EQ(BlobCount(), 3u);  // nothing replaced: every version keeps its body
  Reopen();                    // the start-up sweep knows the noncurrent versions' blobs
  EXPECT_EQ(BlobCount(), 3u);
  DeleteOutcome marker;
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                auto r = objects().DeleteObject(t, "b", "k", "", 5);
                if (!r.ok()) return Status(std::move(r).error());
                marker = *r;
                return Status();
              }).ok());
  EXPECT_TRUE(marker.delete_marker);
  EXPECT_EQ(marker.version_id.size(), 32u);
  auto reader = Read();
  EXPECT_FALSE(objects().GetObject(*reader, "b", "k")->has_value());
  auto listed = objects().ListVersions(*reader, "b", "", {}, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_TRUE((*listed)[0].delete_marker && (*listed)[0].is_latest);
  EXPECT_EQ((*listed)[0].version_id, marker.version_id);
  EXPECT_EQ((*listed)[1].size, 3u);  // "two"
  EXPECT_FALSE((*listed)[1].is_latest);
  EXPECT_EQ((*listed)[3].version_id, "null");
  std::string two = (*listed)[1].version_id;
  // Paging inside the key: after "two" come "one" and the null version.
  auto rest = objects().ListVersions(*reader, "b", "", {"k", (*listed)[1].seq}, 10);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[1].version_id, "null");
  // Removing the marker makes "two" current again.
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                auto r = objects().DeleteObject(t, "b", "k", marker.version_id, 6);
                return r.ok() ? Status() : Status(std::move(r).error());
              }).ok());
  reader = Read();
  auto current = objects().GetObject(*reader, "b", "k");
  ASSERT_TRUE(current->has_value());
  EXPECT_EQ((*current)->version_id, two);
  auto old = objects().GetVersion(*reader, "b", "k", "null");
  ASSERT_TRUE(old->has_value());
  EXPECT_EQ((*old)->size, 6u);
  // Suspended: a write replaces the null version (its body goes), the others stay.
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return objects().SetBucketSetting(t, "b", BucketSetting::kVersioning, "Suspended");
              }).ok());
  ASSERT_TRUE(PutBlobObject("k", "three").ok());
  EXPECT_EQ(BlobCount(), 3u);
  reader = Read();
  EXPECT_EQ(objects().ListVersions(*reader, "b", "", {}, 10)->size(), 3u);
  auto deleted_bucket = Run([&](WriteTxn& t) { return objects().DeleteBucket(t, "b"); });
  EXPECT_TRUE(Is(deleted_bucket.error(), kNotEmpty, "bucket"));
}

TEST_F(StoreTest, InlineBodyRoundTripAndReplacesABlob) {
  ASSERT_TRUE(PutBlobObject("k", "from a file").ok());
  ObjectRecord o;
  o.bucket = "b";
  o.key = "k";
  o.inline_body = std::string("in\0the row", 10);
  o.size = o.inline_body.size();
  o.etag = "e";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().PutObject(t, o); }).ok());
  EXPECT_EQ(BlobCount(), 0u);  // the replaced object's blob is gone
  auto reader = Read();
  auto got = objects().GetObject(*reader, "b", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->inline_body, o.inline_body);
  EXPECT_TRUE((*got)->segments.empty());
  auto listed = objects().ListObjects(*reader, "b", "", "", 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 10u);
}

TEST_F(StoreTest, FailedJobKeepsOthersInTheBatch) {
  ObjectRecord bad;
  bad.bucket = "missing";
  bad.key = "k";
  Status s = Run([&](WriteTxn& t) { return objects().PutObject(t, bad); });
  EXPECT_TRUE(Is(s.error(), kNotFound, "bucket"));
  EXPECT_EQ(NameOf(s.error()), "missing");
  EXPECT_TRUE(PutBlobObject("k", "x").ok());
}

TEST_F(StoreTest, UncommittedBlobIsRemovedByItsWriter) {
  {
    auto w = blobs_->Create();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write("abandoned").ok());
  }
  EXPECT_EQ(BlobCount(), 0u);
}

TEST_F(StoreTest, OpeningSweepsOrphansAndKeepsReferencedBlobs) {
  ASSERT_TRUE(PutBlobObject("k", "kept").ok());
  auto orphan = blobs_->Create();
  ASSERT_TRUE(orphan.ok());
  (*orphan)->Keep();  // as if the process died before committing
  EXPECT_EQ(BlobCount(), 2u);
  Reopen();
  EXPECT_EQ(BlobCount(), 1u);
  EXPECT_FALSE(BlobExists((*orphan)->id()));
  auto reader = Read();
  auto got = objects().GetObject(*reader, "b", "k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE(BlobExists((*got)->segments.at(0).blob));
}

TEST_F(StoreTest, ListObjectsHonoursPrefixAndAfter) {
  for (const char* k : {"a", "ab", "abc", "ab\xff", "b", "ac"}) {
    ASSERT_TRUE(Run([&](WriteTxn& t) {
                  ObjectRecord o;
                  o.bucket = "b";
                  o.key = k;
                  return objects().PutObject(t, o);
                }).ok());
  }
  auto reader = Read();
  auto keys = [&](std::string_view prefix, std::string_view after) {
    std::vector<std::string> out;
    auto listed = objects().ListObjects(*reader, "b", prefix, after, 100);
    for (auto& o : *listed) out.push_back(o.key);
    return out;
  };
  EXPECT_EQ(keys("ab", ""), (std::vector<std::string>{"ab", "abc", "ab\xff"}));
  EXPECT_EQ(keys("ab", "abc"), (std::vector<std::string>{"ab\xff"}));
  EXPECT_EQ(keys("", "ab\xff"), (std::vector<std::string>{"ac", "b"}));
}

TEST_F(StoreTest, MultipartPartsBecomeSegments) {
  UploadRecord u{"up1", "b", "big", 1, {}, "", "", ""};
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().CreateUpload(t, u); }).ok());
  std::vector<std::string> blobs;
  for (int n = 1; n <= 3; ++n) {
    auto w = blobs_->Create();
    ASSERT_TRUE((*w)->Write(std::string(10, 'a' + n)).ok());
    PartRecord p{"up1", n, 10, "e", 1, (*w)->id(), ""};
    ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().PutPart(t, p); }).ok());
    (*w)->Keep();
    blobs.push_back(p.blob);
  }
  ObjectRecord o;
  o.bucket = "b";
  o.key = "big";
  o.size = 20;
  o.part_count = 2;
  o.segments = {{blobs[0], 10}, {blobs[2], 10}};  // part 2 left out
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().CompleteUpload(t, "up1", o); }).ok());
  EXPECT_EQ(BlobCount(), 2u);
  auto reader = Read();
  auto got = objects().GetObject(*reader, "b", "big");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->segments.size(), 2u);
  EXPECT_FALSE(objects().GetUpload(*reader, "up1")->has_value());
  EXPECT_TRUE(Is(Run([&](WriteTxn& t) { return objects().AbortUpload(t, "up1"); }).error(),
                 kNotFound, "upload"));
}

// The parts GetObjectAttributes lists stay with their version, current or not.
TEST_F(StoreTest, MultipartPartsFollowTheirVersion) {
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return objects().SetBucketSetting(t, "b", BucketSetting::kVersioning, "Enabled");
              }).ok());
  ObjectRecord multipart;
  multipart.bucket = "b";
  multipart.key = "m";
  multipart.size = 7;
  multipart.part_count = 2;
  multipart.parts = {{1, 5, "AAAAAA=="}, {3, 2, ""}};
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().PutObject(t, multipart); }).ok());
  ObjectRecord plain;
  plain.bucket = "b";
  plain.key = "m";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().PutObject(t, plain); }).ok());
  auto check = [&](const std::optional<ObjectRecord>& o) {
    ASSERT_TRUE(o.has_value());
    ASSERT_EQ(o->parts.size(), 2u);
    EXPECT_EQ(o->parts[0].part_number, 1);
    EXPECT_EQ(o->parts[0].size, 5u);
    EXPECT_EQ(o->parts[0].checksum_value, "AAAAAA==");
    EXPECT_EQ(o->parts[1].part_number, 3);
    EXPECT_EQ(o->parts[1].checksum_value, "");
  };
  {
    auto reader = Read();
    auto noncurrent = objects().GetVersion(*reader, "b", "m", multipart.version_id);
    ASSERT_TRUE(noncurrent.ok());
    check(*noncurrent);
    EXPECT_TRUE((*objects().GetObject(*reader, "b", "m"))->parts.empty());
  }
  // Its successor deleted, it is current again, parts and all.
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                auto r = objects().DeleteObject(t, "b", "m", plain.version_id, 2);
                return r.ok() ? Status() : Status(std::move(r).error());
              }).ok());
  auto reader = Read();
  auto current = objects().GetObject(*reader, "b", "m");
  ASSERT_TRUE(current.ok());
  check(*current);
}

TEST_F(StoreTest, ObjectLockFollowsItsVersionAndSurvivesARestart) {
  BucketRecord locked{"lb", 1, "us-east-1", ""};
  locked.versioning = "Enabled";
  locked.object_lock = "<ObjectLockConfiguration/>";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().CreateBucket(t, locked); }).ok());
  ObjectRecord first;
  first.bucket = "lb";
  first.key = "k";
  first.lock = {"COMPLIANCE", 123'456, "ON"};
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().PutObject(t, first); }).ok());
  ObjectRecord second;
  second.bucket = "lb";
  second.key = "k";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().PutObject(t, second); }).ok());
  // Changed while noncurrent, and on the current version.
  ObjectLockState changed{"GOVERNANCE", 999, "OFF"};
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return objects().SetObjectLock(t, "lb", "k", first.version_id, changed);
              }).ok());
  ObjectLockState hold{"", 0, "ON"};
  ASSERT_TRUE(Run([&](WriteTxn& t) { return objects().SetObjectLock(t, "lb", "k", "", hold); })
                  .ok());
  Reopen();
  {
    auto reader = Read();
    auto bucket = objects().GetBucket(*reader, "lb");
    ASSERT_TRUE(bucket.ok() && bucket->has_value());
    EXPECT_EQ((*bucket)->versioning, "Enabled");
    EXPECT_EQ((*bucket)->object_lock, "<ObjectLockConfiguration/>");
    EXPECT_EQ((*objects().GetVersion(*reader, "lb", "k", first.version_id))->lock, changed);
    EXPECT_EQ((*objects().GetObject(*reader, "lb", "k"))->lock, hold);
    auto listed = objects().ListVersions(*reader, "lb", "", {}, 10);
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ((*listed)[0].lock, hold);
    EXPECT_EQ((*listed)[1].lock, changed);
  }
  // Its successor deleted, it is current again with its lock.
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                auto r = objects().DeleteObject(t, "lb", "k", second.version_id, 2);
                return r.ok() ? Status() : Status(std::move(r).error());
              }).ok());
  auto reader = Read();
  EXPECT_EQ((*objects().GetObject(*reader, "lb", "k"))->lock, changed);
  auto missing = Run([&](WriteTxn& t) {
    return objects().SetObjectLock(t, "lb", "k", second.version_id, hold);
  });
  EXPECT_TRUE(Is(missing.error(), kNotFound, "version"));
  EXPECT_TRUE(Is(Run([&](WriteTxn& t) { return objects().SetObjectLock(t, "nope", "k", "", hold); })
                     .error(),
                 kNotFound, "bucket"));
}

TEST_F(StoreTest, DeleteBucketRules) {
  ASSERT_TRUE(PutBlobObject("k", "x").ok());
  auto run = [&](std::function<Status(WriteTxn&)> f) { return Run(std::move(f)).error(); };
  EXPECT_TRUE(
      Is(run([&](WriteTxn& t) { return objects().DeleteBucket(t, "b"); }), kNotEmpty, "bucket"));
  EXPECT_TRUE(
      Is(run([&](WriteTxn& t) { return objects().DeleteBucket(t, "nope"); }), kNotFound, "bucket"));
  EXPECT_TRUE(Is(run([&](WriteTxn& t) {
                   return objects().CreateBucket(t, {"b", 1, "us-east-1", ""});
                 }),
                 kAlreadyExists, "bucket"));
}

// Publishes a layer version of `name` with a fresh blob; returns it.
LayerVersionRecord PublishBlobLayer(
    BlobStore& blobs, LayerRepository& layers,
    const std::function<Status(std::function<Status(WriteTxn&)>)>& run, const std::string& name) {
  auto created = blobs.Create();
  EXPECT_TRUE(created.ok());
  std::unique_ptr<BlobWriter> w = std::move(*created);
  EXPECT_TRUE(w->Write("zip").ok());
  LayerVersionRecord layer;
  layer.name = name;
  layer.config_json = "{}";
  layer.code_blob = w->id();
  layer.code_sha256 = "sha";
  layer.code_size = 3;
  Status s = run([&](WriteTxn& t) -> Status {
    auto published =
        layers.PublishLayerVersion(t, layer, "arn:aws:lambda:us-east-1:1:layer:" + name);
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
  LayerVersionRecord v1 = PublishBlobLayer(*blobs_, layers(), run, "pillow");
  LayerVersionRecord v2 = PublishBlobLayer(*blobs_, layers(), run, "pillow");
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.arn, "arn:aws:lambda:us-east-1:1:layer:pillow:2");

  // A function uses version 1; deleting it only hides it.
  FunctionRecord f;
  f.name = "fn";
  f.config_json = "{\"layers\":[\"" + v1.arn + "\"]}";
  f.code_blob = "none";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return functions().CreateFunction(t, f); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) { return layers().DeleteLayerVersion(t, "pillow", 1); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) { return layers().DeleteLayerVersion(t, "pillow", 2); }).ok());
  {
    auto reader = Read();
    auto kept = layers().GetLayerVersion(*reader, "pillow", 1);
    ASSERT_TRUE(kept.ok() && kept->has_value());
    EXPECT_TRUE((*kept)->deleted);
    EXPECT_FALSE(layers().GetLayerVersion(*reader, "pillow", 2)->has_value());
    EXPECT_TRUE(layers().ListLayerVersions(*reader, "pillow", 0, 10)->empty());
    EXPECT_TRUE(layers().ListLayerNames(*reader, "", 10)->empty());
  }
  EXPECT_TRUE(BlobExists(v1.code_blob));
  EXPECT_FALSE(BlobExists(v2.code_blob));
  Reopen();  // the orphan sweep keeps what a deleted but used version names
  EXPECT_TRUE(BlobExists(v1.code_blob));

  // Numbering goes on after deletes.
  LayerVersionRecord v3 = PublishBlobLayer(*blobs_, layers(), run, "pillow");
  EXPECT_EQ(v3.version, 3);
  {
    auto reader = Read();
    auto listed = layers().ListLayerVersions(*reader, "pillow", 0, 10);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].version, 3);
  }

  // Once the function lets go of version 1, it goes for good.
  f.config_json = "{\"layers\":[]}";
  f.reserved_concurrency = 5;
  ASSERT_TRUE(Run([&](WriteTxn& t) { return functions().ReplaceFunction(t, f); }).ok());
  {
    auto reader = Read();
    EXPECT_FALSE(layers().GetLayerVersion(*reader, "pillow", 1)->has_value());
    auto reserved = functions().ListReservedConcurrency(*reader);
    ASSERT_EQ(reserved->size(), 1u);
    EXPECT_EQ((*reserved)[0], std::make_pair(std::string("fn"), 5));
    auto usage = functions().GetCodeUsage(*reader);
    EXPECT_EQ(usage->function_count, 1u);
    EXPECT_EQ(usage->total_code_size, 3u);  // version 3
  }
  EXPECT_FALSE(BlobExists(v1.code_blob));
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return functions().SetReservedConcurrency(t, "fn", std::nullopt);
              }).ok());
  EXPECT_TRUE(
      Is(Run([&](WriteTxn& t) { return functions().SetReservedConcurrency(t, "gone", 1); }).error(),
         kNotFound, "function"));
  auto reader = Read();
  EXPECT_TRUE(functions().ListReservedConcurrency(*reader)->empty());
}

TEST_F(StoreTest, PolicyAndEventInvokeConfigSurviveRewrites) {
  FunctionRecord f;
  f.name = "fn";
  f.config_json = "{}";
  f.code_blob = "none";
  f.policy = "ignored by CreateFunction";
  ASSERT_TRUE(Run([&](WriteTxn& t) { return functions().CreateFunction(t, f); }).ok());
  {
    auto reader = Read();
    auto got = functions().GetFunction(*reader, "fn");
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->policy, "");
    EXPECT_EQ((*got)->event_invoke_config, "");
  }
  ASSERT_TRUE(
      Run([&](WriteTxn& t) { return functions().SetFunctionPolicy(t, "fn", "{\"p\":1}"); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return functions().SetEventInvokeConfig(t, "fn", "{\"e\":1}");
              }).ok());
  // A configuration or code update rewrites the record without them.
  f.config_json = "{\"x\":1}";
  f.policy.clear();
  ASSERT_TRUE(Run([&](WriteTxn& t) { return functions().ReplaceFunction(t, f); }).ok());
  {
    auto reader = Read();
    auto got = functions().GetFunction(*reader, "fn");
    EXPECT_EQ((*got)->config_json, "{\"x\":1}");
    EXPECT_EQ((*got)->policy, "{\"p\":1}");
    EXPECT_EQ((*got)->event_invoke_config, "{\"e\":1}");
    auto listed = functions().ListFunctions(*reader, "", 10);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].event_invoke_config, "{\"e\":1}");
  }
  ASSERT_TRUE(Run([&](WriteTxn& t) { return functions().SetEventInvokeConfig(t, "fn", ""); }).ok());
  {
    auto reader = Read();
    EXPECT_EQ((*functions().GetFunction(*reader, "fn"))->event_invoke_config, "");
  }
  EXPECT_TRUE(Is(
      Run([&](WriteTxn& t) { return functions().SetEventInvokeConfig(t, "gone", "{}"); }).error(),
      kNotFound, "function"));
}

TEST_F(StoreTest, NestedPartFailsAloneAndTakesItsAfterCommitWork) {
  bool kept_ran = false, dropped_ran = false;
  Status s = Run([&](WriteTxn& t) -> Status {
    t.AfterCommit([&] { kept_ran = true; });
    Status nested = t.Nested([&]() -> Status {
      ObjectRecord o;
      o.bucket = "b";
      o.key = "undone";
      if (Status put = objects().PutObject(t, o); !put.ok()) return put;
      t.AfterCommit([&] { dropped_ran = true; });
      return MakeError("Refused", "the nested part fails after writing");
    });
    EXPECT_EQ(nested.error().code, "Refused");
    ObjectRecord o;
    o.bucket = "b";
    o.key = "kept";
    return objects().PutObject(t, o);
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(kept_ran);
  EXPECT_FALSE(dropped_ran);
  auto reader = Read();
  EXPECT_TRUE(objects().GetObject(*reader, "b", "kept")->has_value());
  EXPECT_FALSE(objects().GetObject(*reader, "b", "undone")->has_value());
}

TEST_F(StoreTest, FailedJobRunsNoAfterCommitWork) {
  bool ran = false;
  Status s = Run([&](WriteTxn& t) -> Status {
    t.AfterCommit([&] { ran = true; });
    return MakeError("Refused", "no");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(ran);
}

QueuedEvent Event(const std::string& function, int64_t due_ms) {
  QueuedEvent e;
  e.function = function;
  e.request_id = "r-" + function;
  e.payload = "{\"f\": \"" + function + "\"}";
  e.source = "{}";
  e.received_ms = due_ms;
  e.due_ms = due_ms;
  return e;
}

std::vector<std::string> Functions(const std::vector<QueuedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.function);
  return out;
}

TEST_F(StoreTest, QueueEventsAreClaimableOnceCommittedAndDue) {
  int ready = 0;
  queue().OnReady([&] { ++ready; });
  ASSERT_TRUE(Run([&](WriteTxn& t) -> Status {
                for (auto [f, due] : {std::pair{"a", 100}, {"b", 50}, {"later", 500}}) {
                  auto id = queue().Enqueue(t, Event(f, due));
                  if (!id.ok()) return std::move(id).error();
                }
                // Not claimable before the commit.
                EXPECT_TRUE(queue().Claim(1000, std::chrono::seconds(60), 10).empty());
                return {};
              }).ok());
  EXPECT_EQ(ready, 3);
  EXPECT_EQ(queue().NextDue(), 50);
  // Due first, oldest due first; the later one waits.
  auto claimed = queue().Claim(100, std::chrono::seconds(60), 10);
  EXPECT_EQ(Functions(claimed), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(claimed[1].payload, "{\"f\": \"a\"}");
  EXPECT_EQ(queue().NextDue(), 500);
  // Leased: nobody else gets them.
  EXPECT_TRUE(queue().Claim(100, std::chrono::seconds(60), 10).empty());
  EXPECT_EQ(queue().size(), 3u);
}

TEST_F(StoreTest, QueueAckRemovesRetryKeepsAttemptsAndExpiredLeasesComeBack) {
  queue().OnReady([] {});
  ASSERT_TRUE(Run([&](WriteTxn& t) -> Status {
                for (const char* f : {"acked", "retried", "abandoned", "released"}) {
                  auto id = queue().Enqueue(t, Event(f, 10));
                  if (!id.ok()) return std::move(id).error();
                }
                return {};
              }).ok());
  auto claimed = queue().Claim(10, std::chrono::seconds(60), 10);
  ASSERT_EQ(claimed.size(), 4u);
  ASSERT_TRUE(Run([&](WriteTxn& t) { return queue().Ack(t, claimed[0].id, claimed[0].lease); }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return queue().Retry(t, claimed[1].id, claimed[1].lease, 1, 70);
              }).ok());
  queue().Release(claimed[3].id, claimed[3].lease, 20);
  EXPECT_EQ(queue().size(), 3u);
  EXPECT_EQ(Functions(queue().Claim(20, std::chrono::seconds(60), 10)),
            (std::vector<std::string>{"released"}));
  auto retried = queue().Claim(70, std::chrono::seconds(60), 10);
  ASSERT_EQ(Functions(retried), (std::vector<std::string>{"retried"}));
  EXPECT_EQ(retried[0].attempts, 1);
  // The worker of "abandoned" never comes back: its lease runs out, and it is claimable again.
  EXPECT_TRUE(queue().Claim(1000, std::chrono::seconds(60), 10).empty());
  lease_clock_.Advance(60'001);
  auto again = queue().Claim(1000, std::chrono::seconds(60), 10);
  EXPECT_EQ(Functions(again), (std::vector<std::string>{"abandoned", "released", "retried"}));
}

TEST_F(StoreTest, QueueSurvivesARestartWithAttemptsAndDueTimes) {
  queue().OnReady([] {});
  int64_t acked = 0;
  ASSERT_TRUE(Run([&](WriteTxn& t) -> Status {
                for (const char* f : {"kept", "acked"}) {
                  auto id = queue().Enqueue(t, Event(f, 10));
                  if (!id.ok()) return std::move(id).error();
                  acked = *id;
                }
                return {};
              }).ok());
  auto claimed = queue().Claim(10, std::chrono::seconds(60), 10);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(Run([&](WriteTxn& t) {
                return queue().Retry(t, claimed[0].id, claimed[0].lease, 2, 99);
              }).ok());
  ASSERT_TRUE(Run([&](WriteTxn& t) { return queue().Ack(t, acked, claimed[1].lease); }).ok());
  Reopen();  // leases do not survive; rows do
  EXPECT_EQ(queue().size(), 1u);
  EXPECT_TRUE(queue().Claim(98, std::chrono::seconds(60), 10).empty());
  auto back = queue().Claim(99, std::chrono::seconds(60), 10);
  ASSERT_EQ(Functions(back), (std::vector<std::string>{"kept"}));
  EXPECT_EQ(back[0].attempts, 2);
  EXPECT_EQ(back[0].request_id, "r-kept");
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
  std::vector<ObjectPart> parts{{1, 5242880, "ZAwuUA=="}, {10000, 0, ""}};
  auto parts_back = DecodeParts(EncodeParts(parts));
  ASSERT_EQ(parts_back.size(), 2u);
  EXPECT_EQ(parts_back[0].part_number, 1);
  EXPECT_EQ(parts_back[0].size, 5242880u);
  EXPECT_EQ(parts_back[0].checksum_value, "ZAwuUA==");
  EXPECT_EQ(parts_back[1].part_number, 10000);
  EXPECT_EQ(parts_back[1].size, 0u);
  EXPECT_EQ(parts_back[1].checksum_value, "");
  EXPECT_TRUE(DecodeParts("").empty());
}

}  // namespace
}  // namespace evoke::store
