// A function's event invoke configuration (Put/Update/Get/Delete/ListFunctionEventInvokeConfig):
// the request members and their checks, the form stored with the function, and the
// FunctionEventInvokeConfig document the API returns. Pure; used by event_invoke_config.cc and
// async_settings.cc.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "lambda/function_json.h"

namespace evoke::lambda {

// What was configured: an unset limit means Lambda's default, and Get leaves it out.
struct StoredEventInvokeConfig {
  std::optional<int> maximum_retry_attempts;
  std::optional<int> maximum_event_age_s;
  std::string on_success;  // destination ARN; empty: none
  std::string on_failure;
  int64_t last_modified_ms = 0;
};

// The members of a Put or Update request; nullopt: absent from the request.
struct EventInvokeConfigRequest {
  std::optional<int> maximum_retry_attempts;
  std::optional<int> maximum_event_age_s;
  bool has_destination_config = false;  // DestinationConfig present: it replaces both
  std::string on_success;
  std::string on_failure;
};

// The request body's members, checked against the model (ValidationException with every
// violation, as Lambda words them), and that at least one is there
// (InvalidParameterValueException).
Result<EventInvokeConfigRequest> ParseEventInvokeConfigRequest(const nlohmann::json& body);

// Put: the request is the whole configuration. Update: its members replace the stored ones.
StoredEventInvokeConfig ReplacedConfig(const EventInvokeConfigRequest& request, int64_t now_ms);
StoredEventInvokeConfig UpdatedConfig(const StoredEventInvokeConfig& stored,
                                      const EventInvokeConfigRequest& request, int64_t now_ms);

std::string SerializeEventInvokeConfig(const StoredEventInvokeConfig& config);
// The stored text (not empty); ServiceException when it is unreadable.
Result<StoredEventInvokeConfig> ParseStoredEventInvokeConfig(std::string_view text);

// What a destination ARN names, as far as evoke can deliver to it.
enum class DestinationKind {
  kFunction,     // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:$LATEST] of this account
  kBucket,       // arn:aws:s3:::BUCKET (OnFailure only, as in Lambda)
  kUnreachable,  // a well-formed destination evoke has no service for (SQS, SNS, EventBridge)
                 // or a function of another account or region
  kUnsupported,  // a service Lambda does not deliver to
};
struct Destination {
  DestinationKind kind;
  std::string name;  // the function or bucket
};
Destination ClassifyDestination(std::string_view arn, const Account& account);

// Lambda's checks of a configuration's destinations that need no lookup: a service it cannot
// deliver to (or S3 for OnSuccess) fails the whole DestinationConfig
// (InvalidParameterValueException "The provided destination config DestinationConfig(...) is
// invalid."), a destination evoke cannot reach is "The destination ARN ... is invalid.", and
// the function may not name itself. Whether a named function or bucket exists is the caller's.
Status CheckDestinations(const StoredEventInvokeConfig& config, const Account& account,
                         std::string_view function_name);
// "The destination ARN <arn> is invalid." (InvalidParameterValueException).
Error InvalidDestination(std::string_view arn);

// FunctionEventInvokeConfig as Put/Update/Get/List return it; FunctionArn ends in :$LATEST.
nlohmann::json EventInvokeConfigJson(const Account& account, std::string_view function_name,
                                     const StoredEventInvokeConfig& config);

}  // namespace evoke::lambda
