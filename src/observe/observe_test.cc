#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "base/clock.h"
#include "base/ids.h"
#include "observe/filter_pattern.h"
#include "observe/log_store.h"
#include "observe/log_tokens.h"
#include "observe/logs_actions.h"
#include "observe/logs_input.h"
#include "observe/logs_service.h"
#include "store/logs.h"
#include "store/sqlite/temp_store.h"

namespace evoke::observe {
namespace {

bool Match(std::string_view pattern, std::string_view message) {
  auto p = FilterPattern::Parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern;
  return p.ok() && p->Matches(message);
}

TEST(FilterPattern, EmptyMatchesEverything) {
  EXPECT_TRUE(Match("", "anything"));
  EXPECT_TRUE(Match("   ", "anything"));
}

TEST(FilterPattern, AllTermsMustAppearCaseSensitive) {
  EXPECT_TRUE(Match("ERROR", "[ERROR] disk full"));
  EXPECT_FALSE(Match("ERROR", "[error] disk full"));
  EXPECT_TRUE(Match("ERROR disk", "[ERROR] disk full"));
  EXPECT_FALSE(Match("ERROR network", "[ERROR] disk full"));
}

TEST(FilterPattern, QuotedPhraseMatchesAsWritten) {
  EXPECT_TRUE(Match("\"disk full\"", "[ERROR] disk full"));
  EXPECT_FALSE(Match("\"full disk\"", "[ERROR] disk full"));
  EXPECT_TRUE(Match("\"[ERROR]\" \"disk full\"", "[ERROR] disk full"));
}

TEST(FilterPattern, OptionalTermsNeedOne) {
  EXPECT_TRUE(Match("?ERROR ?WARN", "WARN low memory"));
  EXPECT_TRUE(Match("?ERROR ?WARN", "ERROR oom"));
  EXPECT_FALSE(Match("?ERROR ?WARN", "INFO fine"));
  EXPECT_TRUE(Match("?\"low memory\" ?oom", "WARN low memory"));
}

TEST(FilterPattern, ExclusionsRemoveEvents) {
  EXPECT_TRUE(Match("ERROR -retrying", "ERROR failed"));
  EXPECT_FALSE(Match("ERROR -retrying", "ERROR failed, retrying"));
  EXPECT_FALSE(Match("-\"going down\"", "server going down"));
}

TEST(FilterPattern, RefusesWhatItCannotDo) {
  for (std::string_view p : {"{ $.level = \"ERROR\" }", "[ip, user, status=404]", "%ERR.*%",
                             "\"unterminated", "ab\"cd"}) {
    auto parsed = FilterPattern::Parse(p);
    ASSERT_FALSE(parsed.ok()) << p;
    EXPECT_EQ(parsed.error().code, "InvalidParameterException");
  }
}

TEST(LogTokens, EventTokensRoundTrip) {
  for (char d : {'f', 'b', 'e'}) {
    EventToken t{d, {1700000000123, 42}};
    auto back = DecodeEventToken(EncodeEventToken(t));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->direction, d);
    EXPECT_EQ(back->position, t.position);
  }
  EXPECT_EQ(EncodeEventToken({'f', {5, 7}}), "f/5/7");
  for (std::string_view bad : {"", "f/", "x/1/2", "f/1", "f/1/", "f/a/2", "f/1/2x", "f/1/2/3"}) {
    EXPECT_FALSE(DecodeEventToken(bad).has_value()) << bad;
  }
}

TEST(LogTokens, NameTokensRoundTrip) {
  auto back = DecodeNameToken(EncodeNameToken("/aws/lambda/fn"));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, "/aws/lambda/fn");
  EXPECT_FALSE(DecodeNameToken("garbage").has_value());
}

TEST(LogsInput, NamesFollowAwsPatterns) {
  EXPECT_TRUE(CheckGroupName("/aws/lambda/my-fn_1.#x", "logGroupName").ok());
  EXPECT_FALSE(CheckGroupName("", "logGroupName").ok());
  EXPECT_FALSE(CheckGroupName("has space", "logGroupName").ok());
  EXPECT_FALSE(CheckGroupName(std::string(513, 'a'), "logGroupName").ok());
  EXPECT_TRUE(CheckStreamName("2024/01/01/[$LATEST]abc", "logStreamName").ok());
  EXPECT_FALSE(CheckStreamName("a:b", "logStreamName").ok());
  EXPECT_FALSE(CheckStreamName("a*", "logStreamName").ok());
  EXPECT_TRUE(IsValidRetentionDays(1));
  EXPECT_TRUE(IsValidRetentionDays(3653));
  EXPECT_FALSE(IsValidRetentionDays(2));
}


namespace fs = std::filesystem;

class LogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Open().ok());
    logs_ = std::make_unique<LogStore>(txns(), repo(), clock_);
  }
  void TearDown() override {
    logs_.reset();
  }

  store::Transactions& txns() { return store_.view().txns; }
  store::LogRepository& repo() { return store_.view().logs; }

  Result<store::LogGroupRecord> FindLogGroup(store::ReadTxn& t, std::string_view name) {
    auto g = repo().GetLogGroup(t, name);
    if (!g.ok()) return std::move(g).error();
    if (!*g) return MakeError("ResourceNotFoundException", std::string(name));
    return std::move(**g);
  }
  Result<store::LogStreamRecord> FindLogStream(store::ReadTxn& t, int64_t group,
                                               std::string_view name) {
    auto s = repo().GetLogStream(t, group, name);
    if (!s.ok()) return std::move(s).error();
    if (!*s) return MakeError("ResourceNotFoundException", std::string(name));
    return std::move(**s);
  }

  std::vector<store::StoredLogEvent> Read(const std::string& group, const std::string& stream,
                                          store::EventRange range = {}) {
    auto reader = txns().Read();
    auto g = FindLogGroup(*reader, group);
    EXPECT_TRUE(g.ok());
    if (!g.ok()) return {};
    auto s = FindLogStream(*reader, g->id, stream);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return {};
    auto events = repo().ReadStreamEvents(*reader, s->id, range);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<store::StoredLogEvent>{};
  }

  FakeClock clock_{1'700'000'000'000};
  store::sqlite::TempStore store_{clock_, "logs"};
  std::unique_ptr<LogStore> logs_;
};

TEST_F(LogStoreTest, AppendsCreateGroupAndStreamAndKeepOrder) {
  for (int i = 0; i < 200; ++i) {
    logs_->Append("/aws/lambda/f", "s1", {{clock_.NowMs(), "line " + std::to_string(i)}});
  }
  logs_->FlushBlocking();
  auto events = Read("/aws/lambda/f", "s1");
  ASSERT_EQ(events.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(events[i].message, "line " + std::to_string(i));
  auto stats = logs_->stats();
  EXPECT_EQ(stats.appended_events, 200u);
  EXPECT_EQ(stats.written_events, 200u);
  EXPECT_LT(stats.flush_jobs, 200u);  // appends that piled up shared jobs

  auto reader = txns().Read();
  auto g = FindLogGroup(*reader, "/aws/lambda/f");
  ASSERT_TRUE(g.ok());
  auto s = FindLogStream(*reader, g->id, "s1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->first_event_ms, clock_.NowMs());
  EXPECT_EQ(s->last_event_ms, clock_.NowMs());
  EXPECT_EQ(g->stored_bytes, s->stored_bytes);
  EXPECT_GT(g->stored_bytes, 200 * 26);
}

TEST_F(LogStoreTest, ReadsFromTheTailAndAroundPositions) {
  std::vector<exec::LogEvent> batch;
  for (int i = 0; i < 10; ++i) batch.push_back({1000 + i, "e" + std::to_string(i)});
  logs_->Append("g", "s", std::move(batch));
  logs_->FlushBlocking();
  store::EventRange tail;
  tail.from_tail = true;
  tail.limit = 3;
  auto last = Read("g", "s", tail);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(last[0].message, "e7");
  EXPECT_EQ(last[2].message, "e9");
  store::EventRange before = tail;
  before.before = last[0].position();
  auto earlier = Read("g", "s", before);
  ASSERT_EQ(earlier.size(), 3u);
  EXPECT_EQ(earlier[0].message, "e4");
  store::EventRange after;
  after.after = last[2].position();
  EXPECT_TRUE(Read("g", "s", after).empty());
  store::EventRange window;
  window.start_ms = 1002;
  window.end_ms = 1004;  // exclusive
  auto in_window = Read("g", "s", window);
  ASSERT_EQ(in_window.size(), 2u);
  EXPECT_EQ(in_window[1].message, "e3");
}

TEST_F(LogStoreTest, RetentionDeletesOldEvents) {
  int64_t day = 86'400'000;
  logs_->Append("g", "s", {{clock_.NowMs() - 3 * day, "old"}, {clock_.NowMs(), "new"}});
  logs_->FlushBlocking();
  ASSERT_TRUE(
      txns()
          .WriteBlocking([&](store::WriteTxn& t) { return repo().SetLogRetention(t, "g", 1); })
          .ok());
  logs_->RequestRetentionSweep();
  logs_->FlushBlocking();
  auto events = Read("g", "s");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "new");
  EXPECT_EQ(logs_->stats().expired_events, 1u);
  auto reader = txns().Read();
  auto g = FindLogGroup(*reader, "g");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->stored_bytes, 3 + 26);
}

TEST_F(LogStoreTest, BoundedQueueDropsAndSaysSo) {
  // A store whose queue holds almost nothing, behind a committer that is busy.
  logs_ =
      std::make_unique<LogStore>(txns(), repo(), clock_, LogStoreOptions{.max_queued_bytes = 100});
  std::promise<void> release;
  auto released = release.get_future().share();
  txns().Submit({{},
                 [released](store::WriteTxn&) {
                   released.wait();
                   return Status{};
                 },
                 nullptr});
  logs_->Append("g", "s", {{1, "first"}});
  logs_->Append("g", "s", {{2, std::string(200, 'x')}});  // over the bound: dropped
  release.set_value();
  logs_->FlushBlocking();
  logs_->Append("g", "s", {{3, "after"}});
  logs_->FlushBlocking();
  auto events = Read("g", "s");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].message, "first");
  EXPECT_NE(events[1].message.find("1 log events of this stream were dropped"), std::string::npos);
  EXPECT_EQ(events[2].message, "after");
  EXPECT_EQ(logs_->stats().dropped_events, 1u);
}

}  // namespace
}  // namespace evoke::observe
