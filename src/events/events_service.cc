#include "events/events_service.h"

#include <array>

#include "auth/json_api_errors.h"
#include "base/hash.h"
#include "base/ids.h"
#include "events/events_actions.h"
#include "http/read_body.h"
#include "store/await_commit.h"

namespace evoke::events {
namespace {

using nlohmann::json;

constexpr std::string_view kTargetPrefix = "AWSEvents.";
// PutTargets is the largest request: 100 targets of 8 KiB inputs, escaped.
constexpr size_t kMaxRequestBytes = 4u << 20;

struct Operation {
  std::string_view name;
  EventsOperation run;
};

constexpr std::array kOperations = {
    Operation{"PutRule", PutRule},
    Operation{"DescribeRule", DescribeRule},
    Operation{"ListRules", ListRules},
    Operation{"DeleteRule", DeleteRule},
    Operation{"EnableRule", EnableRule},
    Operation{"DisableRule", DisableRule},
    Operation{"PutTargets", PutTargets},
    Operation{"RemoveTargets", RemoveTargets},
    Operation{"ListTargetsByRule", ListTargetsByRule},
};

http::Response JsonResponse(int status, std::string body, const std::string& request_id) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/x-amz-json-1.1");
  r.headers.Add("x-amzn-RequestId", request_id);
  r.body = std::move(body);
  return r;
}

http::Response ErrorResponse(const Error& error, const std::string& request_id) {
  json body = {{"__type", error.code}};
  if (!error.message.empty()) body["message"] = error.message;
  return JsonResponse(EventsStatusForError(error.code), body.dump(-1, ' ', false, json::error_handler_t::replace), request_id);
}

}  // namespace

EventsOperation FindEventsOperation(std::string_view target) {
  if (!target.starts_with(kTargetPrefix)) return nullptr;
  target.remove_prefix(kTargetPrefix.size());
  for (const auto& op : kOperations) {
    if (op.name == target) return op.run;
  }
  return nullptr;
}

int EventsStatusForError(std::string_view code) {
  if (code == "InternalException" || code == "InternalFailure") return 500;
  if (code == "NotImplemented") return 501;
  return 400;
}

Task<Status> EventsContext::Commit(std::function<Status(store::WriteTxn&)> apply) const {
  Status s = co_await store::AwaitCommit(deps.committer, {}, {}, std::move(apply));
  if (s.ok() && deps.schedules_changed) deps.schedules_changed();
  co_return s;
}

std::string EventsContext::RuleArn(std::string_view rule) const {
  return "arn:aws:events:" + options.region + ":" + options.account_id + ":rule/" +
         std::string(rule);
}

EventsService::EventsService(EventsOptions options, EventsDependencies deps)
    : options_(std::move(options)), deps_(std::move(deps)) {}

Task<void> EventsService::Handle(http::Exchange& ex) {
  std::string request_id = NewUuid();
  ex.log().request_id = request_id;
  ex.log().service = "events";
  std::string target(ex.request().headers.Get("X-Amz-Target").value_or(""));
  if (target.starts_with(kTargetPrefix)) ex.log().action = target.substr(kTargetPrefix.size());
  Error error;
  bool failed = true;
  do {
    if (auth::DetectAuthKind(ex.request()) == auth::AuthKind::kAnonymous) {
      error = MakeError("MissingAuthenticationTokenException", "Missing Authentication Token");
      break;
    }
    auto body = co_await http::ReadWholeBody(ex, kMaxRequestBytes);
    if (!body.ok()) {
      error = std::move(body).error();
      if (error.code == "BodyTooLarge") {
        error = MakeError("ValidationException", "Request must be smaller than " +
                                                     std::to_string(kMaxRequestBytes) + " bytes");
      }
      break;
    }
    auto verified = deps_.verifier.VerifyWithBody(ex.request(), Sha256Hex(*body));
    if (!verified.ok()) {
      error = auth::AsJsonApiAuthError(std::move(verified).error());
      break;
    }
    ex.log().principal = verified->principal.access_key_id;
    EventsOperation run = FindEventsOperation(target);
    if (!run) {
      error = MakeError("UnknownOperationException", "");
      break;
    }
    json input = json::parse(body->empty() ? std::string("{}") : *body, nullptr, false);
    if (input.is_discarded() || !input.is_object()) {
      error = MakeError("SerializationException", "");
      break;
    }
    EventsContext ctx{options_, deps_, input};
    Result<json> out = MakeError("InternalException", "");
    try {
      out = co_await run(ctx);
    } catch (const json::exception& e) {
      // A member of an unexpected shape deeper than the operation checks.
      out = MakeError("SerializationException", e.what());
    }
    if (!out.ok()) {
      error = std::move(out).error();
      break;
    }
    failed = false;
    (void)co_await ex.Send(
        JsonResponse(200, out->dump(-1, ' ', false, json::error_handler_t::replace), request_id));
  } while (false);

  if (failed && !ex.responded()) {
    ex.log().error_code = error.code;
    (void)co_await ex.Send(ErrorResponse(error, request_id));
  }
}

}  // namespace evoke::events
