// Identifiers: random bytes from the kernel, request ids in S3's style, UUIDs. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace evoke {

std::string RandomBytes(size_t n);
std::string RandomHex(size_t bytes);  // 2*bytes lower-case hex digits
std::string NewRequestId();           // 16 upper-case hex digits, as S3 spells x-amz-request-id
std::string NewUuid();                // RFC 4122 version 4, lower case
// An identifier in AWS's shape: `prefix` ("AKIA", "AIDA", "AROA"...) and random characters of
// [A-Z2-7] up to `length` characters in all (20 for access keys, 21 for IAM's unique ids).
std::string NewAwsId(std::string_view prefix, size_t length);
std::string NewSecretAccessKey();     // 40 characters of [A-Za-z0-9+/]

}  // namespace evoke
