// Identifiers: random bytes from the kernel, request ids in S3's style, UUIDs. Thread-safe.
#pragma once

#include <string>

namespace evoke {

std::string RandomBytes(size_t n);
std::string RandomHex(size_t bytes);  // 2*bytes lower-case hex digits
std::string NewRequestId();           // 16 upper-case hex digits, as S3 spells x-amz-request-id
std::string NewUuid();                // RFC 4122 version 4, lower case

}  // namespace evoke
