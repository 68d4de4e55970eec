#include "observe/metrics_service.h"

#include <array>
#include <exception>
#include <optional>

#include "api/cbor_codec.h"
#include "api/query_codec.h"
#include "base/time_format.h"
#include "observe/metrics_actions.h"

namespace evoke::observe {
namespace {

using nlohmann::json;

// A PutMetricData POST body is limited to 1 MB (gzip allowed); its decompressed form may be
// larger.
constexpr size_t kMaxRequestBytes = 1u << 20;

struct OperationRow {
  const char* name;
  MetricsOperation run;
};

constexpr std::array kOperations = {
    OperationRow{"PutMetricData", PutMetricData},
    OperationRow{"GetMetricStatistics", GetMetricStatistics},
    OperationRow{"GetMetricData", GetMetricData},
    OperationRow{"ListMetrics", ListMetrics},
    OperationRow{"PutMetricAlarm", PutMetricAlarm},
    OperationRow{"DescribeAlarms", DescribeAlarms},
    OperationRow{"DescribeAlarmHistory", DescribeAlarmHistory},
    OperationRow{"DeleteAlarms", DeleteAlarms},
    OperationRow{"SetAlarmState", SetAlarmState},
    OperationRow{"EnableAlarmActions", EnableAlarmActions},
    OperationRow{"DisableAlarmActions", DisableAlarmActions},
};

// CloudWatch's errors by their query code, with the shape name JSON and CBOR bodies carry
// (the model's awsQueryError trait), and the query protocol's common errors.
constexpr std::array<api::ErrorStatus, 21> kErrors = {{
    {"InvalidFormat", 400, "InvalidFormatFault"},
    {"InvalidParameterValue", 400, "InvalidParameterValueException"},
    {"MissingParameter", 400, "MissingRequiredParameterException"},
    {"InvalidParameterCombination", 400, "InvalidParameterCombinationException"},
    {"InvalidNextToken", 400, "InvalidNextToken"},
    {"LimitExceeded", 400, "LimitExceededFault"},
    {"ResourceNotFound", 404, "ResourceNotFound"},
    {"InternalServiceError", 500, "InternalServiceFault"},
    {"RequestEntityTooLarge", 413},
    {"AccessDenied", 403},
    {"ExpiredToken", 403},
    {"IncompleteSignature", 400},
    {"InvalidAction", 400},
    {"InvalidClientTokenId", 403},
    {"InvalidQueryParameter", 400},
    {"MalformedQueryString", 404},
    {"MissingAction", 400},
    {"MissingAuthenticationToken", 403},
    {"SignatureDoesNotMatch", 403},
    {"ValidationError", 400},
    {"Throttling", 400},
}};

Task<Result<api::Output>> RunOperation(MetricsOperation run, const MetricsOptions& options,
                                       MetricStore& store, api::Call& call) {
  MetricsContext ctx{options, store, InputReader(call.protocol), call.input};
  Result<json> out = co_await run(ctx);
  if (!out.ok()) co_return std::move(out).error();
  // No output: query leaves out <ActionResult>; JSON and CBOR answer an empty structure.
  if (out->is_null() && call.protocol != api::Protocol::kAwsQuery) *out = json::object();
  co_return api::Output::Document(std::move(*out));
}

}  // namespace

json MetricsContext::Timestamp(int64_t epoch_ms) const {
  return OutputTimestamp(in.protocol(), epoch_ms);
}

json MetricsContext::Map(json object) const { return OutputMap(in.protocol(), std::move(object)); }

json OutputTimestamp(api::Protocol protocol, int64_t epoch_ms) {
  switch (protocol) {
    case api::Protocol::kAwsQuery:
      return epoch_ms % 1000 == 0 ? FormatIso8601(epoch_ms / 1000) : FormatIso8601Ms(epoch_ms);
    case api::Protocol::kRpcV2Cbor:
      return api::CborTimestamp(static_cast<double>(epoch_ms) / 1000);
    default:
      if (epoch_ms % 1000 == 0) return epoch_ms / 1000;
      return static_cast<double>(epoch_ms) / 1000;
  }
}

json OutputMap(api::Protocol protocol, json object) {
  if (protocol != api::Protocol::kAwsQuery) return object;
  // The marker survives the pipeline's conversion to an ordered document: one member, "$map".
  json marker = json::object();
  marker[std::string(api::kQueryMapKey)] = std::move(object);
  return marker;
}

api::Service MakeMetricsTable(const MetricsOptions& options, MetricStore& store) {
  api::Service service;
  service.name = "monitoring";
  service.protocol = api::Protocol::kAwsJson10;
  service.also_speaks = {api::Protocol::kAwsQuery, api::Protocol::kRpcV2Cbor};
  service.target_prefix = "GraniteServiceVersion20100801.";
  service.xml_namespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";
  service.query_compatible = true;
  service.gzip_requests = true;
  service.errors = kErrors;
  service.internal_error = "InternalServiceError";
  service.internal_message = "An internal error occurred. Please try again.";
  service.max_body = kMaxRequestBytes;
  service.too_large_error = "RequestEntityTooLarge";
  service.missing_auth_error = "MissingAuthenticationToken";
  service.access_denied_error = "AccessDenied";
  for (const OperationRow& row : kOperations) {
    api::Operation op;
    op.name = row.name;
    op.iam_action = std::string("cloudwatch:") + row.name;  // resource "*"
    op.run = [run = row.run, &options, &store](api::Call& call) {
      return RunOperation(run, options, store, call);
    };
    service.operations.push_back(std::move(op));
  }
  return service;
}

MetricsService::MetricsService(MetricsOptions options, MetricStore& store,
                               const api::Pipeline& pipeline)
    : options_(std::move(options)),
      store_(store),
      pipeline_(pipeline),
      service_(MakeMetricsTable(options_, store_)) {}

Task<void> MetricsService::Handle(http::Exchange& ex) { return pipeline_.Handle(ex, service_); }

Result<nlohmann::json> RunToCompletion(MetricsOperation op, MetricsContext& ctx) {
  asio::io_context io;
  std::optional<Result<nlohmann::json>> out;
  asio::co_spawn(
      io, [&]() -> Task<void> { out.emplace(co_await op(ctx)); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return std::move(*out);
}

}  // namespace evoke::observe
