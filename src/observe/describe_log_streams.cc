// DescribeLogStreams: a group's streams by name (optionally under a prefix) or by last event
// time, ascending or descending, `limit` (1-50, default 50) at a time.
#include "observe/log_tokens.h"
#include "observe/logs_actions.h"
#include "observe/logs_input.h"

namespace evoke::observe {

Task<Result<nlohmann::json>> DescribeLogStreams(LogsContext& ctx) {
  auto group_name = RequiredGroupName(ctx.input);
  if (!group_name.ok()) co_return std::move(group_name).error();
  auto prefix = OptionalString(ctx.input, "logStreamNamePrefix");
  if (!prefix.ok()) co_return std::move(prefix).error();
  if (prefix->has_value()) {
    if (Status s = CheckStreamName(**prefix, "logStreamNamePrefix"); !s.ok()) {
      co_return std::move(s).error();
    }
  }
  auto order = OptionalString(ctx.input, "orderBy");
  if (!order.ok()) co_return std::move(order).error();
  std::string order_by = order->value_or("LogStreamName");
  if (order_by != "LogStreamName" && order_by != "LastEventTime") {
    co_return ValidationError(order_by, "orderBy",
                              "satisfy enum value set: [LogStreamName, LastEventTime]");
  }
  store::StreamListing listing;
  listing.by_last_event = order_by == "LastEventTime";
  if (listing.by_last_event && prefix->has_value()) {
    co_return MakeError("InvalidParameterException",
                        "Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  listing.prefix = prefix->value_or("");
  auto descending = OptionalBool(ctx.input, "descending", false);
  if (!descending.ok()) co_return std::move(descending).error();
  listing.descending = *descending;
  auto limit = Limit(ctx.input, 50, 50);
  if (!limit.ok()) co_return std::move(limit).error();
  listing.limit = static_cast<size_t>(*limit) + 1;
  auto token = OptionalString(ctx.input, "nextToken");
  if (!token.ok()) co_return std::move(token).error();
  if (token->has_value()) {
    // The key of the last stream returned: "<last event ms or -1>/<name>".
    auto decoded = DecodeNameToken(**token);
    size_t slash = decoded ? decoded->find('/') : std::string::npos;
    int64_t last = 0;
    if (slash == std::string::npos) {
      co_return MakeError("InvalidParameterException", "The specified nextToken is invalid.");
    }
    try {
      last = std::stoll(decoded->substr(0, slash));
    } catch (const std::exception&) {
      co_return MakeError("InvalidParameterException", "The specified nextToken is invalid.");
    }
    listing.after = std::make_pair(last, decoded->substr(slash + 1));
  }

  std::vector<store::LogStreamRecord> streams;
  {
    auto reader = ctx.Read();
    auto group = FindLogGroup(ctx, *reader, *group_name);
    if (!group.ok()) co_return std::move(group).error();
    listing.group_id = group->id;
    auto listed = ctx.logs().ListLogStreams(*reader, listing);
    if (!listed.ok()) co_return std::move(listed).error();
    streams = std::move(*listed);
  }
  bool more = streams.size() > static_cast<size_t>(*limit);
  if (more) streams.pop_back();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : streams) {
    nlohmann::json item = {{"logStreamName", s.name},
                           {"creationTime", s.created_ms},
                           {"arn", ctx.GroupArn(*group_name) + ":log-stream:" + s.name},
                           {"storedBytes", s.stored_bytes}};
    if (s.first_event_ms) item["firstEventTimestamp"] = *s.first_event_ms;
    if (s.last_event_ms) item["lastEventTimestamp"] = *s.last_event_ms;
    if (s.last_ingestion_ms) item["lastIngestionTime"] = *s.last_ingestion_ms;
    list.push_back(std::move(item));
  }
  nlohmann::json out = {{"logStreams", std::move(list)}};
  if (more) {
    const auto& last = streams.back();
    out["nextToken"] =
        EncodeNameToken(std::to_string(last.last_event_ms.value_or(-1)) + "/" + last.name);
  }
  co_return out;
}

}  // namespace evoke::observe
