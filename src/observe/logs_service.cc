#include "observe/logs_service.h"

#include <array>

#include "observe/logs_actions.h"
#include "store/errors.h"
#include "store/write.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

// PutLogEvents takes 1 MiB of events; JSON escaping can make that a few times larger.
constexpr size_t kMaxRequestBytes = 8u << 20;

struct OperationRow {
  const char* name;
  LogsOperation run;
};

constexpr std::array kOperations = {
    OperationRow{"CreateLogGroup", CreateLogGroup},
    OperationRow{"DeleteLogGroup", DeleteLogGroup},
    OperationRow{"DescribeLogGroups", DescribeLogGroups},
    OperationRow{"PutRetentionPolicy", PutRetentionPolicy},
    OperationRow{"DeleteRetentionPolicy", DeleteRetentionPolicy},
    OperationRow{"CreateLogStream", CreateLogStream},
    OperationRow{"DeleteLogStream", DeleteLogStream},
    OperationRow{"DescribeLogStreams", DescribeLogStreams},
    OperationRow{"PutLogEvents", PutLogEvents},
    OperationRow{"GetLogEvents", GetLogEvents},
    OperationRow{"FilterLogEvents", FilterLogEvents},
};

// CloudWatch Logs' errors (its model gives no status: awsJson1.1's 400, faults 500), with the
// authentication errors, which it too answers with 400.
constexpr std::array<api::ErrorStatus, 15> kErrors = {{
    {"MissingAuthenticationTokenException", 400},
    {"UnrecognizedClientException", 400},
    {"InvalidSignatureException", 400},
    {"DataAlreadyAcceptedException", 400},
    {"InvalidOperationException", 400},
    {"InvalidParameterException", 400},
    {"InvalidSequenceTokenException", 400},
    {"LimitExceededException", 400},
    {"MalformedQueryException", 400},
    {"OperationAbortedException", 400},
    {"ResourceAlreadyExistsException", 400},
    {"ResourceNotFoundException", 400},
    {"TooManyTagsException", 400},
    {"AccessDeniedException", 400},
    {"ServiceUnavailableException", 500},
}};

// The ARN IAM names for an operation's log group ("*" when the request names none).
std::string LogGroupResource(const LogsOptions& options, const api::Call& call) {
  auto it = call.input.find("logGroupName");
  if (it == call.input.end() || !it->is_string()) return "*";
  return "arn:aws:logs:" + options.region + ":" + options.account_id +
         ":log-group:" + it->get<std::string>();
}

Task<Result<api::Output>> RunOperation(LogsOperation run, const LogsOptions& options,
                                       LogStore& store, api::Call& call) {
  LogsContext ctx{options, store, call.input};
  Result<json> out = co_await run(ctx);
  if (!out.ok()) co_return std::move(out).error();
  co_return api::Output::Document(std::move(*out));
}

api::Service MakeTable(const LogsOptions& options, LogStore& store) {
  api::Service service;
  service.name = "logs";
  service.protocol = api::Protocol::kAwsJson11;
  service.target_prefix = "Logs_20140328.";
  service.errors = kErrors;
  service.internal_error = "ServiceUnavailableException";
  service.max_body = kMaxRequestBytes;
  service.too_large_error = "InvalidParameterException";
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = row.name;
    op.iam_action = std::string("logs:") + row.name;
    op.resource = [&options](const api::Call& call) { return LogGroupResource(options, call); };
    op.run = [run = row.run, &options, &store](api::Call& call) {
      return RunOperation(run, options, store, call);
    };
    service.operations.push_back(std::move(op));
  }
  return service;
}

}  // namespace

Error LogsError(Error error) {
  using store::Is;
  if (Is(error, store::kNotFound, "log group")) {
    return MakeError("ResourceNotFoundException", "The specified log group does not exist.");
  }
  if (Is(error, store::kNotFound, "log stream")) {
    return MakeError("ResourceNotFoundException", "The specified log stream does not exist.");
  }
  if (Is(error, store::kAlreadyExists, "log group")) {
    return MakeError("ResourceAlreadyExistsException", "The specified log group already exists");
  }
  if (Is(error, store::kAlreadyExists, "log stream")) {
    return MakeError("ResourceAlreadyExistsException", "The specified log stream already exists");
  }
  return error;
}

Task<Status> LogsContext::Commit(std::function<Status(store::WriteTxn&)> apply) {
  Status s = co_await store::Write(store.txns(), std::move(apply));
  if (!s.ok()) co_return LogsError(std::move(s).error());
  co_return Status{};
}

std::string LogsContext::GroupArn(std::string_view group) const {
  return "arn:aws:logs:" + options.region + ":" + options.account_id +
         ":log-group:" + std::string(group);
}

LogsService::LogsService(LogsOptions options, LogStore& store, const api::Pipeline& pipeline)
    : options_(std::move(options)),
      store_(store),
      pipeline_(pipeline),
      service_(MakeTable(options_, store_)) {}

Task<void> LogsService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

}  // namespace evoke::observe
