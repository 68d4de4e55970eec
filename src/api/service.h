// Service tables: what the request pipeline (api/pipeline.h) knows of an AWS service — its
// protocol, its operations (name, HTTP binding or target, IAM action, resource, handler) and
// the HTTP status of each of its errors. Each API module builds one table at start-up; the
// table is immutable afterwards and read from every I/O thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "auth/verifier.h"
#include "base/asio.h"
#include "base/result.h"
#include "http/exchange.h"
#include "http/message.h"

namespace evoke::api {

// The AWS wire protocols (the "protocol" of a botocore service model).
enum class Protocol {
  kRestXml,    // S3
  kRestJson,   // Lambda, EventBridge Scheduler
  kAwsJson10,  // CloudWatch (newer clients), SQS
  kAwsJson11,  // CloudWatch Logs, EventBridge
  kAwsQuery,   // IAM, STS, CloudWatch and SQS for older clients
  kRpcV2Cbor,  // CloudWatch for the newest clients
};

// One request as an operation receives it: who sent it, what it names, its input.
struct Call {
  const http::Request& request;
  auth::Principal principal;
  std::string request_id;
  std::string operation;                 // the operation's name, once the parse stage found it
  std::vector<std::string> path_params;  // REST: the decoded {Label} segments in path order
  nlohmann::json input;  // the members the codec parsed: JSON and CBOR as sent, awsQuery as
                         // strings (api/query_codec.h)
  std::string body;                      // the whole, verified request body

  // rest-xml (S3), whose operations read their own bodies, streaming: the exchange to read the
  // body from, what the signature verified (its payload mode, its key for chunk signatures), the
  // resource a SigV2 signature covers (the route sets it), and the host id S3 answers with.
  http::Exchange* exchange = nullptr;
  auth::Verified verified;
  std::string sigv2_resource;
  std::string host_id;

  // Set by the authorize stage: the same decision for another action and resource of this
  // request, with its condition keys and `extra` ones, for operations that need more than one
  // permission (S3's DeleteObjects checks s3:DeleteObject per key, a copy s3:GetObject on its
  // source, CreateFunction iam:PassRole on its role). Errors: the service's access-denied error.
  using AuthorizeAlso = std::function<Status(
      std::string_view action, const std::string& resource,
      const std::vector<std::pair<std::string, std::string>>& extra)>;
  AuthorizeAlso authorize_also;

  // The protocol this request speaks (a service several protocols reach, such as CloudWatch,
  // reads its input and renders timestamps by it); set before the operation runs.
  Protocol protocol = Protocol::kAwsJson11;

  const std::string* Query(std::string_view name) const { return request.query.Get(name); }
};

// A response body produced piece by piece (a code package download). Read() blocks briefly
// (a file read); it is called on the connection's thread until it returns 0.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual uint64_t size() const = 0;
  virtual Result<size_t> Read(char* out, size_t n) = 0;
};

// What an operation answers; the codec renders it in the service's protocol. Exactly one of
// `document` (members to encode), `payload` (bytes sent as they are, with `headers`' own
// Content-Type) or `stream` is used; none of them: an empty body, whose Content-Length is
// `content_length` when set (a HEAD answer).
struct Output {
  int status = 200;
  http::Headers headers;
  std::optional<nlohmann::json> document;
  std::optional<std::string> payload;
  std::shared_ptr<BodySource> stream;
  std::optional<uint64_t> content_length;

  static Output Document(nlohmann::json doc, int status = 200) {
    Output out;
    out.status = status;
    out.document = std::move(doc);
    return out;
  }
  static Output Empty(int status) {
    Output out;
    out.status = status;
    return out;
  }
};

using Handler = std::function<Task<Result<Output>>(Call&)>;
// The ARN an operation acts on, from its input ("*" when it names none).
using ResourceOf = std::function<std::string(const Call&)>;
// The service's condition keys of a request ("s3:prefix" -> "photos/"), added to the global
// ones when an authorizer asks for them.
using ConditionKeysOf =
    std::function<void(const Call&, std::vector<std::pair<std::string, std::string>>&)>;
// The policy of a resource (its ARN) of a request, for the request's principal and the action
// asked (S3: the bucket's policy, unless Block Public Access keeps it from this caller, with the
// grants of the bucket's and the object's ACLs), or nullptr.
using ResourcePolicyOf = std::function<std::shared_ptr<const auth::Policy>(
    const Call&, std::string_view action, std::string_view resource)>;

struct Operation {
  std::string name;        // "CreateFunction", as AWS spells the action
  // REST binding; empty for protocols that name operations in a header or the body.
  std::string method;      // "GET"
  std::string path;        // "/2015-03-31/functions/{}/invocations": "{}" is one segment
  std::string query = {};  // "name=value" the query must carry too
  std::string iam_action;  // "lambda:InvokeFunction"; empty: the operation authorizes itself
                           // (STS's AssumeRole) or needs no permission (GetCallerIdentity)
  ResourceOf resource;     // empty: "*"
  ConditionKeysOf condition_keys;  // empty: the global keys only
  ResourcePolicyOf resource_policy;  // empty: the resource has no policy of its own
  Handler run;
  size_t max_body = 0;     // 0: the service's limit
};

// An error code of the service and its HTTP status. A query-compatible service
// (Service::query_compatible) names its errors by their awsQuery code ("InvalidParameterValue")
// and gives the shape name its JSON and CBOR bodies carry as __type
// ("InvalidParameterValueException") when the two differ.
struct ErrorStatus {
  std::string_view code;
  int status;
  std::string_view shape = {};
};

struct Service {
  std::string name;      // the SigV4 signing name, also the access log's "service": "lambda"
  Protocol protocol = Protocol::kAwsJson11;
  // Other protocols the same operations are reached by (CloudWatch: awsJson1.0 with awsQuery and
  // RPCv2-CBOR). Each request speaks one, chosen by RequestProtocol (api/pipeline.h): the
  // RPCv2-CBOR path, X-Amz-Target (awsJson), a form or Action= (awsQuery), else `protocol`.
  std::vector<Protocol> also_speaks;
  // awsJson: the X-Amz-Target prefix ("Logs_20140328."); awsQuery: the response xmlns, unless
  // `xml_namespace` gives it; RPCv2-CBOR: the service's shape name, the prefix without its
  // final '.' ("GraniteServiceVersion20100801" in /service/<name>/operation/<Op>).
  std::string target_prefix;
  std::string xml_namespace;  // awsQuery for a service that speaks awsJson too
  // Request bodies may be gzip-compressed (Content-Encoding: gzip, the model's
  // requestcompression trait): the pipeline decompresses them after verifying the signature,
  // which covers the compressed bytes, up to `max_decompressed_body`.
  bool gzip_requests = false;
  size_t max_decompressed_body = 8u << 20;
  std::vector<Operation> operations;
  // Every error code an operation of this service may return, with its status. A code that is
  // not here is an internal failure: logged, and answered as `internal_error` (500).
  std::span<const ErrorStatus> errors;
  std::string internal_error = "InternalFailure";
  std::string internal_message = "An internal error occurred. Please try again.";
  size_t max_body = 1u << 20;
  // The code for a body over the limit ("Request must be smaller than N bytes"), and whether
  // the message names the operation (" for the Invoke operation", as Lambda says).
  std::string too_large_error = "ValidationException";
  bool too_large_names_operation = false;
  // The code for a request with no signature at all.
  std::string missing_auth_error = "MissingAuthenticationTokenException";
  // The code a denial of the authorize stage is answered with (its message is the
  // authorizer's): "AccessDeniedException" for the JSON services, "AccessDenied" for S3 and
  // the query services.
  std::string access_denied_error = "AccessDeniedException";
  // rest-json: whether the body is parsed as a JSON object into Call::input (false: the
  // operations read Call::body themselves).
  bool parse_json_body = true;
  // rest-json error bodies: the message member's name ("message", "Message") and whether a
  // "Type": "User"|"Service" member goes beside it (Lambda).
  std::string error_message_member = "message";
  bool error_fault_type = false;
  // Services that also speak awsQuery (awsQueryCompatible): JSON and CBOR errors carry
  // x-amzn-query-error: Code;Sender|Receiver with the query code, and the error's shape name
  // (ErrorStatus::shape) as __type.
  bool query_compatible = false;
  // The error for a signed request that names no operation of the service; empty:
  // UnknownOperationException.
  std::function<Error(const http::Request&)> unknown_operation;
  // rest-xml: finds the operation (and fills the Call: path labels, the SigV2 resource) where a
  // path template cannot (S3 dispatches on the bucket and key, sub-resources and headers); an
  // error when the request names no valid resource.
  std::function<Result<const Operation*>(const http::Request&, Call&)> route;

  // Calls from web pages (docs/cors.md). `cross_origin` adds the Access-Control-* headers of the
  // answer to a request with an Origin (errors too; S3: from the bucket's CORS rules). With
  // `open_cors`, as AWS's service endpoints answer the SDK in a browser, a preflight (OPTIONS)
  // of any path is allowed for any origin and every answer carries
  // Access-Control-Allow-Origin: * and exposes `cors_expose` (Lambda).
  std::function<void(const Call&, http::Headers&)> cross_origin;
  bool open_cors = false;
  std::string cors_expose;

  // The status of an error code, or 0 when the table does not know it.
  int StatusOf(std::string_view code) const;
  // The shape name of an error code (ErrorStatus::shape), or the code itself.
  std::string_view ShapeOf(std::string_view code) const;
  // Whether requests reach the service in `p`.
  bool Speaks(Protocol p) const;
};

// REST path templates: the operation whose binding matches, and its decoded path labels.
// Pure; nullptr when none matches.
const Operation* MatchRestOperation(const Service& service, const http::Request& request,
                                    std::vector<std::string>& path_params);

}  // namespace evoke::api
