// FilterLogEvents: a group's events across its streams (all, the named ones, or those under a
// prefix), interleaved in time order, that match a filter pattern (observe/filter_pattern.h).
// One call scans a bounded number of events; when it stops early nextToken carries the place to
// go on from, so a page may hold fewer than `limit` events (as on AWS) and clients page on.
#include <algorithm>
#include <unordered_map>

#include "observe/filter_pattern.h"
#include "observe/log_tokens.h"
#include "observe/logs_actions.h"
#include "observe/logs_input.h"

namespace evoke::observe {
namespace {

constexpr size_t kChunk = 1000;
constexpr size_t kMaxScannedPerCall = 100'000;
constexpr size_t kMaxResponseBytes = 1'048'576;

}  // namespace

Task<Result<nlohmann::json>> FilterLogEvents(LogsContext& ctx) {
  auto group_name = RequiredGroupName(ctx.input);
  if (!group_name.ok()) co_return std::move(group_name).error();
  std::vector<std::string> names;
  if (auto it = ctx.input.find("logStreamNames"); it != ctx.input.end() && !it->is_null()) {
    if (!it->is_array()) co_return MakeError("SerializationException", "");
    if (it->empty() || it->size() > 100) {
      co_return ValidationError("[...]", "logStreamNames",
                                "have length less than or equal to 100 and greater than or "
                                "equal to 1");
    }
    for (const auto& n : *it) {
      if (!n.is_string()) co_return MakeError("SerializationException", "");
      if (Status s = CheckStreamName(n.get<std::string>(), "logStreamNames.member"); !s.ok()) {
        co_return std::move(s).error();
      }
      names.push_back(n.get<std::string>());
    }
  }
  auto prefix = OptionalString(ctx.input, "logStreamNamePrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  if (prefix->has_value()) {
    if (Status s = CheckStreamName(**prefix, "logStreamNamePrefix"); !s.ok()) {
      co_return std::move(s).error();
    }
    if (!names.empty()) {
      co_return MakeError("InvalidParameterException",
                          "logStreamNames and logStreamNamePrefix are mutually exclusive");
    }
  }
  auto start = OptionalInt(ctx.input, "startTime");
  if (!start.ok()) co_return std::move(start).error();
  auto end = OptionalInt(ctx.input, "endTime");
  if (!end.ok()) co_return std::move(end).error();
  auto limit = Limit(ctx.input, 10000, 10000);
  if (!limit.ok()) co_return std::move(limit).error();
  auto pattern_text = OptionalString(ctx.input, "filterPattern");
  if (!pattern_text.ok()) co_return std::move(pattern_text).error();
  if (pattern_text->has_value() && (*pattern_text)->size() > 1024) {
    co_return ValidationError(**pattern_text, "filterPattern",
                              "have length less than or equal to 1024");
  }
  auto pattern = FilterPattern::Parse(pattern_text->value_or(""));
  if (!pattern.ok()) co_return std::move(pattern).error();
  auto token_text = OptionalString(ctx.input, "nextToken");
  if (!token_text.ok()) co_return std::move(token_text).error();

  store::EventRange range;
  range.start_ms = start->value_or(0);
  range.end_ms = end->value_or(INT64_MAX);
  range.limit = kChunk;
  if (token_text->has_value()) {
    auto token = DecodeEventToken(**token_text);
    if (!token || token->direction != 'e') {
      co_return MakeError("InvalidParameterException", "The specified nextToken is invalid.");
    }
    range.after = token->position;
  }

  nlohmann::json events = nlohmann::json::array();
  std::optional<store::LogPosition> resume;
  std::unordered_map<int64_t, std::string> searched;  // stream id -> name
  {
    auto reader = ctx.Read();
    auto group = FindLogGroup(ctx, *reader, *group_name);
    if (!group.ok()) co_return std::move(group).error();
    auto streams = ctx.logs().ListAllLogStreams(*reader, group->id);
    if (!streams.ok()) co_return std::move(streams).error();
    for (const auto& s : *streams) {
      bool wanted = true;
      if (!names.empty()) {
        wanted = std::find(names.begin(), names.end(), s.name) != names.end();
      } else if (prefix->has_value()) {
        wanted = s.name.starts_with(**prefix);
      }
      if (wanted) searched.emplace(s.id, s.name);
    }
    size_t scanned = 0;
    size_t bytes = 0;
    bool stop = false;
    while (!stop && !searched.empty()) {
      auto chunk = ctx.logs().ReadGroupEvents(*reader, group->id, range);
      if (!chunk.ok()) co_return std::move(chunk).error();
      for (const auto& e : *chunk) {
        range.after = e.position();
        ++scanned;
        auto s = searched.find(e.stream_id);
        if (s == searched.end() || !pattern->Matches(e.message)) continue;
        events.push_back({{"logStreamName", s->second},
                          {"timestamp", e.timestamp_ms},
                          {"message", e.message},
                          {"ingestionTime", e.ingestion_ms},
                          {"eventId", std::to_string(e.id)}});
        bytes += e.message.size() + 26;
        if (events.size() >= static_cast<size_t>(*limit) || bytes >= kMaxResponseBytes) {
          stop = true;
          break;
        }
      }
      if (!stop && chunk->size() < kChunk) break;  // the end of the range
      if (stop || scanned >= kMaxScannedPerCall) {
        resume = range.after;
        stop = true;
      }
    }
  }

  nlohmann::json streams = nlohmann::json::array();
  for (const auto& [id, name] : searched) {
    streams.push_back({{"logStreamName", name}, {"searchedCompletely", !resume.has_value()}});
  }
  nlohmann::json out = {{"events", std::move(events)}, {"searchedLogStreams", std::move(streams)}};
  if (resume) out["nextToken"] = EncodeEventToken({'e', *resume});
  co_return out;
}

}  // namespace evoke::observe
