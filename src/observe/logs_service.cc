#include "http/read_body.h"
#include "observe/logs_service.h"

#include <array>

#include "auth/json_api_errors.h"
#include "base/hash.h"
#include "base/ids.h"
#include "observe/logs_actions.h"
#include "store/await_commit.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

constexpr std::string_view kTargetPrefix = "Logs_20140328.";
// PutLogEvents takes 1 MiB of events; JSON escaping can make that a few times larger.
constexpr size_t kMaxRequestBytes = 8u << 20;

struct Operation {
  std::string_view name;
  LogsOperation run;
};

constexpr std::array kOperations = {
    Operation{"CreateLogGroup", CreateLogGroup},
    Operation{"DeleteLogGroup", DeleteLogGroup},
    Operation{"DescribeLogGroups", DescribeLogGroups},
    Operation{"PutRetentionPolicy", PutRetentionPolicy},
    Operation{"DeleteRetentionPolicy", DeleteRetentionPolicy},
    Operation{"CreateLogStream", CreateLogStream},
    Operation{"DeleteLogStream", DeleteLogStream},
    Operation{"DescribeLogStreams", DescribeLogStreams},
    Operation{"PutLogEvents", PutLogEvents},
    Operation{"GetLogEvents", GetLogEvents},
    Operation{"FilterLogEvents", FilterLogEvents},
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
  return JsonResponse(LogsStatusForError(error.code), body.dump(-1, ' ', false, json::error_handler_t::replace), request_id);
}

Task<Result<std::string>> ReadWholeBody(http::Exchange& ex) {
  auto body = co_await http::ReadWholeBody(ex, kMaxRequestBytes);
  if (!body.ok() && body.error().code == "BodyTooLarge") {
    co_return MakeError("InvalidParameterException",
                        "Request must be smaller than " + std::to_string(kMaxRequestBytes) + " bytes");
  }
  co_return body;
}

}  // namespace

LogsOperation FindLogsOperation(std::string_view target) {
  if (!target.starts_with(kTargetPrefix)) return nullptr;
  target.remove_prefix(kTargetPrefix.size());
  for (const auto& op : kOperations) {
    if (op.name == target) return op.run;
  }
  return nullptr;
}

int LogsStatusForError(std::string_view code) {
  if (code == "ServiceUnavailableException" || code == "InternalError" ||
      code == "InternalFailure") {
    return 500;
  }
  if (code == "NotImplemented") return 501;
  return 400;
}

Task<Status> LogsContext::Commit(std::function<Status(store::WriteTxn&)> apply) {
  return store::AwaitCommit(store.committer(), {}, {}, std::move(apply));
}

std::string LogsContext::GroupArn(std::string_view group) const {
  return "arn:aws:logs:" + options.region + ":" + options.account_id +
         ":log-group:" + std::string(group);
}

LogsService::LogsService(LogsOptions options, SqliteLogStore& store, auth::Verifier& verifier)
    : options_(std::move(options)), store_(store), verifier_(verifier) {}

Task<void> LogsService::Handle(http::Exchange& ex) {
  std::string request_id = NewUuid();
  ex.log().request_id = request_id;
  ex.log().service = "logs";
  std::string target(ex.request().headers.Get("X-Amz-Target").value_or(""));
  if (target.starts_with(kTargetPrefix)) ex.log().action = target.substr(kTargetPrefix.size());
  Error error;
  bool failed = true;
  do {
    if (auth::DetectAuthKind(ex.request()) == auth::AuthKind::kAnonymous) {
      error = MakeError("MissingAuthenticationTokenException", "Missing Authentication Token");
      break;
    }
    auto body = co_await ReadWholeBody(ex);
    if (!body.ok()) {
      error = std::move(body).error();
      break;
    }
    auto verified = verifier_.VerifyWithBody(ex.request(), Sha256Hex(*body));
    if (!verified.ok()) {
      error = auth::AsJsonApiAuthError(std::move(verified).error());
      break;
    }
    ex.log().principal = verified->principal.access_key_id;
    LogsOperation run = FindLogsOperation(target);
    if (!run) {
      error = MakeError("UnknownOperationException", "");
      break;
    }
    json input = json::parse(body->empty() ? std::string("{}") : *body, nullptr, false);
    if (input.is_discarded() || !input.is_object()) {
      error = MakeError("SerializationException", "");
      break;
    }
    LogsContext ctx{options_, store_, input};
    Result<json> out = MakeError("InternalFailure", "");
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

}  // namespace evoke::observe
