// Reading and validating request members the way EventBridge and EventBridge Scheduler do:
// a member of the wrong JSON type is SerializationException; a model constraint broken is
// ValidationException "1 validation error detected: Value 'x' at 'member' failed to satisfy
// constraint: Member must ..." (the member path in the services' lowerCamel spelling, e.g.
// 'targets.1.member.id'). Pure.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::events {

Result<std::optional<std::string>> OptionalString(const nlohmann::json& in, const char* member);
Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& in, const char* member);
Result<std::optional<bool>> OptionalBool(const nlohmann::json& in, const char* member);
// An object member (nullopt when absent); SerializationException when it is not an object.
Result<std::optional<nlohmann::json>> OptionalObject(const nlohmann::json& in, const char* member);

Error ConstraintError(std::string_view value, std::string_view path, std::string_view constraint);
Error NullError(std::string_view path);  // "Value null at 'path' ... must not be null"

// Length in [min, max] (max < 0: unbounded).
Status CheckLength(std::string_view value, std::string_view path, int64_t min, int64_t max);
// Every character in [A-Za-z0-9] or `extra`; `pattern` is the regular expression AWS quotes.
Status CheckChars(std::string_view value, std::string_view path, std::string_view extra,
                  std::string_view pattern);
Status CheckEnum(std::string_view value, std::string_view path,
                 std::initializer_list<std::string_view> allowed);
Status CheckRange(int64_t value, std::string_view path, int64_t min, int64_t max);

// The function name in a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME,
// optionally :QUALIFIER); nullopt for any other ARN.
std::optional<std::string> LambdaFunctionName(std::string_view arn);

// A NextToken: the last key of the previous page, base64-encoded so clients treat it as opaque.
std::string EncodeNextToken(std::string_view last_key);
std::optional<std::string> DecodeNextToken(std::string_view token);

}  // namespace evoke::events
