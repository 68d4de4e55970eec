// The Smithy RPCv2-CBOR codec (CloudWatch's newest clients: POST /service/
// GraniteServiceVersion20100801/operation/<Op>): CBOR bodies as input documents, results and
// errors as CBOR. Pure; used by the pipeline and its unit tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::api {

// What the pipeline sends with every RPCv2-CBOR response, errors included:
//   smithy-protocol: rpc-v2-cbor        Content-Type: application/cbor
// (and x-amzn-query-error: Code;Sender for query-compatible services such as CloudWatch).
inline constexpr std::string_view kSmithyProtocolHeader = "smithy-protocol";
inline constexpr std::string_view kRpcV2CborProtocol = "rpc-v2-cbor";
inline constexpr std::string_view kCborContentType = "application/cbor";

// The deepest nesting of arrays, maps and tags an input may have (the top-level map is 1).
inline constexpr int kMaxCborDepth = 64;

// A request body as an input document: an empty body is {}. Text strings become strings,
// byte strings nlohmann binary values (no subtype), integers and floats (half, single,
// double) numbers, null null. Tags are dropped and their content kept (nlohmann's reader
// cannot: it fails on tags 0-5, so they are cut out before it runs): a timestamp, tag 1 with
// epoch seconds as botocore sends it (integer seconds), arrives as that number. Never
// throws; SerializationException for: malformed or truncated CBOR, bytes after the item,
// invalid UTF-8 in a text string, a map key that is not a text string, the undefined value
// (0xf7), nesting deeper than kMaxCborDepth (checked before parsing: nlohmann's reader
// recurses without a bound), or a top-level item that is not a map.
Result<nlohmann::json> DecodeCborInput(std::string_view body);

// A timestamp member of an output document, encoded as Smithy requires: tag 1 over a double
// of epoch seconds (botocore's RpcV2CBORParser reads tag 1 as a timestamp, and only tag 1).
// The marker is a binary value of subtype kCborTimestampTag holding the big-endian double;
// build it only with CborTimestamp.
inline constexpr uint64_t kCborTimestampTag = 1;
nlohmann::json CborTimestamp(double epoch_seconds);

// An output document as CBOR: maps with text keys (members whose value is null are left
// out, as Smithy has absent members), arrays, text strings, byte strings for binary values,
// integers in their shortest form, every float as a double, and CborTimestamp markers as
// tag 1. A binary value with another subtype is written as that tag over a byte string.
std::string EncodeCborOutput(const nlohmann::json& doc);

// An error body: {"__type": code, "message": message}, plus Error::details as text members.
// The status and headers (above) are the pipeline's.
std::string EncodeCborError(const Error& error);

}  // namespace evoke::api
