// Reading and validating CloudWatch Logs request members the way the service does: wrong JSON
// types are SerializationException, constraint violations InvalidParameterException with the
// "1 validation error detected: ..." message. Pure.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::observe {

Result<std::optional<std::string>> OptionalString(const nlohmann::json& in, const char* member);
Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& in, const char* member);
Result<bool> OptionalBool(const nlohmann::json& in, const char* member, bool fallback);

// logGroupName: 1-512 of [.-_/#A-Za-z0-9].
Status CheckGroupName(std::string_view value, const char* member);
// logStreamName: 1-512, no ':' or '*'.
Status CheckStreamName(std::string_view value, const char* member);

Result<std::string> RequiredGroupName(const nlohmann::json& in);
Result<std::string> RequiredStreamName(const nlohmann::json& in);
// `limit` between 1 and `max`, `fallback` when absent.
Result<int64_t> Limit(const nlohmann::json& in, int64_t max, int64_t fallback);

Error ValidationError(std::string_view value, std::string_view member, std::string_view constraint);

}  // namespace evoke::observe
