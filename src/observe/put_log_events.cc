// PutLogEvents: a batch of events into an existing stream, durable before the answer. As
// CloudWatch Logs: at most 10,000 events and 1,048,576 bytes (messages + 26 each), in
// chronological order, spanning at most 24 hours; events more than 2 hours ahead or 14 days
// behind are rejected (rejectedLogEventsInfo), the others stored. sequenceToken is ignored, as
// AWS now does.
#include "base/encoding.h"
#include "observe/logs_actions.h"
#include "observe/logs_input.h"

namespace evoke::observe {
namespace {

constexpr int64_t kMaxBatchBytes = 1'048'576;
constexpr int64_t kMaxEventBytes = 1'048'576 - 26;  // one event may fill the batch
constexpr int64_t kHourMs = 3'600'000;

}  // namespace

Task<Result<nlohmann::json>> PutLogEvents(LogsContext& ctx) {
  auto group = RequiredGroupName(ctx.input);
  if (!group.ok()) co_return std::move(group).error();
  auto stream = RequiredStreamName(ctx.input);
  if (!stream.ok()) co_return std::move(stream).error();
  auto it = ctx.input.find("logEvents");
  if (it == ctx.input.end() || it->is_null()) {
    co_return MakeError("InvalidParameterException",
                        "1 validation error detected: Value null at 'logEvents' failed to "
                        "satisfy constraint: Member must not be null");
  }
  if (!it->is_array()) co_return MakeError("SerializationException", "");
  const auto& input_events = *it;
  if (input_events.empty() || input_events.size() > 10000) {
    co_return ValidationError("[...]", "logEvents",
                              "have length less than or equal to 10000 and greater than or "
                              "equal to 1");
  }
  std::vector<store::NewLogEvent> events;
  events.reserve(input_events.size());
  int64_t batch_bytes = 0;
  for (size_t i = 0; i < input_events.size(); ++i) {
    const auto& e = input_events[i];
    std::string member = "logEvents." + std::to_string(i + 1) + ".member";
    if (!e.is_object()) co_return MakeError("SerializationException", "");
    auto ts = OptionalInt(e, "timestamp");
    if (!ts.ok()) co_return std::move(ts).error();
    auto message = OptionalString(e, "message");
    if (!message.ok()) co_return std::move(message).error();
    if (!ts->has_value() || !message->has_value()) {
      co_return MakeError("InvalidParameterException",
                          "1 validation error detected: Value null at '" + member +
                              (ts->has_value() ? ".message" : ".timestamp") +
                              "' failed to satisfy constraint: Member must not be null");
    }
    if ((*message)->empty()) {
      co_return ValidationError("", member + ".message", "have length greater than or equal to 1");
    }
    int64_t size = store::StoredSize(**message);
    if (size - 26 > kMaxEventBytes) {
      co_return MakeError("InvalidParameterException",
                          "Log event too large: " + std::to_string(size - 26) +
                              " bytes exceeds limit of " + std::to_string(kMaxEventBytes));
    }
    batch_bytes += size;
    if (!events.empty() && **ts < events.back().timestamp_ms) {
      co_return MakeError("InvalidParameterException",
                          "Log events in a single PutLogEvents request must be in "
                          "chronological order.");
    }
    events.push_back({**ts, std::move(**message)});
  }
  if (batch_bytes > kMaxBatchBytes) {
    co_return MakeError("InvalidParameterException",
                        "Upload too large: " + std::to_string(batch_bytes) +
                            " bytes exceeds limit of " + std::to_string(kMaxBatchBytes));
  }
  if (events.back().timestamp_ms - events.front().timestamp_ms > 24 * kHourMs) {
    co_return MakeError("InvalidParameterException",
                        "The batch of log events in a single PutLogEvents request cannot span "
                        "more than 24 hours.");
  }

  // Sorted, so the too-old events are a prefix and the too-new ones a suffix.
  int64_t now = ctx.NowMs();
  size_t too_old_end = 0;
  while (too_old_end < events.size() &&
         events[too_old_end].timestamp_ms < now - 14 * 24 * kHourMs) {
    ++too_old_end;
  }
  size_t too_new_start = events.size();
  while (too_new_start > too_old_end &&
         events[too_new_start - 1].timestamp_ms > now + 2 * kHourMs) {
    --too_new_start;
  }
  std::vector<store::NewLogEvent> accepted(std::make_move_iterator(events.begin() + too_old_end),
                                           std::make_move_iterator(events.begin() + too_new_start));
  Status s = co_await ctx.Commit([&](store::WriteTxn& t) {
    return ctx.logs().AppendLogEvents(t, *group, *stream, accepted, now, /*create=*/false);
  });
  if (!s.ok()) co_return std::move(s).error();

  nlohmann::json out = {{"nextSequenceToken", std::to_string(now) + "0000000000000000"}};
  if (too_old_end > 0 || too_new_start < events.size()) {
    nlohmann::json rejected = nlohmann::json::object();
    if (too_old_end > 0) rejected["tooOldLogEventEndIndex"] = too_old_end;
    if (too_new_start < events.size()) rejected["tooNewLogEventStartIndex"] = too_new_start;
    out["rejectedLogEventsInfo"] = std::move(rejected);
  }
  co_return out;
}

}  // namespace evoke::observe
