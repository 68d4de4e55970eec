// GetLogEvents: a page of one stream's events in time order. Without a token it starts at the
// head (startFromHead) or takes the newest `limit`; nextForwardToken reads on after the last
// event returned, nextBackwardToken back before the first. At either end the page is empty and
// the token that was passed in comes back unchanged: that is how clients know they are done.
#include "observe/log_tokens.h"
#include "observe/logs_actions.h"
#include "observe/logs_input.h"

namespace evoke::observe {
namespace {

constexpr size_t kMaxResponseBytes = 1'048'576;

}  // namespace

Task<Result<nlohmann::json>> GetLogEvents(LogsContext& ctx) {
  auto group_name = RequiredGroupName(ctx.input);
  if (!group_name.ok()) co_return std::move(group_name).error();
  auto stream_name = RequiredStreamName(ctx.input);
  if (!stream_name.ok()) co_return std::move(stream_name).error();
  auto start = OptionalInt(ctx.input, "startTime");
  if (!start.ok()) co_return std::move(start).error();
  auto end = OptionalInt(ctx.input, "endTime");
  if (!end.ok()) co_return std::move(end).error();
  auto limit = Limit(ctx.input, 10000, 10000);
  if (!limit.ok()) co_return std::move(limit).error();
  auto from_head = OptionalBool(ctx.input, "startFromHead", false);
  if (!from_head.ok()) co_return std::move(from_head).error();
  auto token_text = OptionalString(ctx.input, "nextToken");
  if (!token_text.ok()) co_return std::move(token_text).error();

  store::EventRange range;
  range.start_ms = start->value_or(0);
  range.end_ms = end->value_or(INT64_MAX);
  range.limit = static_cast<size_t>(*limit);
  range.from_tail = !*from_head;
  std::optional<EventToken> token;
  if (token_text->has_value()) {
    token = DecodeEventToken(**token_text);
    if (!token || token->direction == 'e') {
      co_return MakeError("InvalidParameterException", "The specified nextToken is invalid.");
    }
    if (token->direction == 'f') {
      range.after = token->position;
      range.from_tail = false;
    } else {
      range.before = token->position;
      range.from_tail = true;
    }
  }

  std::vector<store::StoredLogEvent> events;
  {
    auto reader = ctx.Read();
    auto group = FindLogGroup(ctx, *reader, *group_name);
    if (!group.ok()) co_return std::move(group).error();
    auto stream = FindLogStream(ctx, *reader, group->id, *stream_name);
    if (!stream.ok()) co_return std::move(stream).error();
    auto read = ctx.logs().ReadStreamEvents(*reader, stream->id, range);
    if (!read.ok()) co_return std::move(read).error();
    events = std::move(*read);
  }
  // A response holds at most 1 MB of events: trim the far end of the reading direction.
  size_t bytes = 0;
  size_t keep = 0;
  if (range.from_tail) {
    while (keep < events.size() &&
           bytes + events[events.size() - 1 - keep].message.size() + 26 <= kMaxResponseBytes) {
      bytes += events[events.size() - 1 - keep].message.size() + 26;
      ++keep;
    }
    events.erase(events.begin(), events.end() - static_cast<ptrdiff_t>(keep));
  } else {
    while (keep < events.size() && bytes + events[keep].message.size() + 26 <= kMaxResponseBytes) {
      bytes += events[keep].message.size() + 26;
      ++keep;
    }
    events.resize(keep);
  }

  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : events) {
    list.push_back(
        {{"timestamp", e.timestamp_ms}, {"message", e.message}, {"ingestionTime", e.ingestion_ms}});
  }
  nlohmann::json out = {{"events", std::move(list)}};
  if (!events.empty()) {
    out["nextForwardToken"] = EncodeEventToken({'f', events.back().position()});
    out["nextBackwardToken"] = EncodeEventToken({'b', events.front().position()});
  } else if (token) {
    // The token of the direction of travel comes back as it was; the other one turns round
    // on the same place, including the event the token stood next to.
    store::LogPosition p = token->position;
    if (token->direction == 'f') {
      out["nextForwardToken"] = **token_text;
      out["nextBackwardToken"] =
          EncodeEventToken({'b', {p.timestamp_ms, p.id == INT64_MAX ? p.id : p.id + 1}});
    } else {
      out["nextForwardToken"] =
          EncodeEventToken({'f', {p.timestamp_ms, p.id == INT64_MIN ? p.id : p.id - 1}});
      out["nextBackwardToken"] = **token_text;
    }
  } else {
    // Nothing in range yet: reading forward from the very start sees whatever comes later.
    out["nextForwardToken"] = EncodeEventToken({'f', {0, 0}});
    out["nextBackwardToken"] = EncodeEventToken({'b', {0, 0}});
  }
  co_return out;
}

}  // namespace evoke::observe
