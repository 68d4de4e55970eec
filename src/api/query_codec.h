// The awsQuery codec: form-encoded requests (Action=...&Version=...&Tags.member.1.Key=...) as
// an input document, results and errors as the query services' XML. Pure, no model: used by
// the pipeline for IAM, STS, CloudWatch and SQS's query protocol, and by its unit tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::api {

// One awsQuery request: the operation it names and its parameters as a nested document.
struct QueryRequest {
  std::string action;   // "CreateUser"
  std::string version;  // "2010-05-08"; empty when the request has none
  nlohmann::json params = nlohmann::json::object();
};

// The largest list index or map entry number a request may use; a larger one is refused.
// Above every service's own limit (CloudWatch's PutMetricData allows 1000 MetricData), so a
// request just over a limit reaches the operation and gets the service's own error ("The
// collection MetricData must not have a size greater than 1000.").
inline constexpr int kMaxQueryIndex = 2000;
// The most dot-separated segments in one parameter name.
inline constexpr int kMaxQueryNameSegments = 32;

// Parses the parameters of the URL query (GET) and of the form body
// (application/x-www-form-urlencoded, POST) into one QueryRequest. '+' is a space, %XX an
// escape. Flattened names become a nested document; every scalar stays a string, as sent:
//   A.B=1                                        {"A": {"B": "1"}}
//   Tags.member.1.Key=k&Tags.member.1.Value=v    {"Tags": [{"Key": "k", "Value": "v"}]}
//   Attributes.entry.1.key=K&...entry.1.value=V  {"Attributes": {"K": "V"}}
//   AttributeName.1=All&AttributeName.2=Policy   {"AttributeName": ["All", "Policy"]}
//   Attribute.1.Name=N&Attribute.1.Value=V       {"Attribute": [{"Name": "N", "Value": "V"}]}
// Lists (`member.N`, or SQS's flattened `Name.N`) are ordered by index; gaps are compacted
// (indices 1, 3 give two elements). An index is 1 to kMaxQueryIndex without leading zeros.
// SQS's flattened maps stay lists of {Name, Value}; the operation, knowing its model, turns
// them into a map. An empty value stays "": botocore sends an empty list as `Names=`, which
// cannot be told from an empty string without the model, so a list member reads "" as []
// (QueryList below). The same name sent twice with different values is refused; with the
// same value (Action in both the URL and the body) it counts once.
// Action and Version are taken out of params; every other parameter, authentication ones
// (X-Amz-Signature...) included, stays in it, and operations ignore members they do not know.
// Errors, with the codes of the query services' Common Errors:
//   MalformedQueryString   a malformed %-escape (AWS lists it with HTTP status 404)
//   InvalidQueryParameter  conflicting shapes (A=1&A.B=2), a bad or out-of-range index, a
//                          map entry without key or value, a duplicate map key, too many
//                          segments, an empty segment (A..B)
//   MissingAction          no Action, or an empty one
// An Action the service does not know (InvalidAction) is the pipeline's to answer.
Result<QueryRequest> ParseQueryRequest(std::string_view form_body, std::string_view raw_query);

// A list member of a parsed document: the array, [] for an absent member or "" (an empty list
// as botocore sends it). InvalidQueryParameter for any other value.
Result<nlohmann::json> QueryList(const nlohmann::json& object, std::string_view name);

// Members of a result document with these single keys render as a map or a flattened list:
//   {"$map": {"K": V, ...}}   <Name><entry><key>K</key><value>V</value></entry>...</Name>
//   {"$flat": [A, B]}         <Name>A</Name><Name>B</Name> (SQS's ListQueues, ReceiveMessage)
// '$' cannot begin an XML name, so the markers never collide with a member.
inline constexpr std::string_view kQueryMapKey = "$map";
inline constexpr std::string_view kQueryFlatKey = "$flat";
nlohmann::ordered_json QueryMap(nlohmann::ordered_json entries);
nlohmann::ordered_json QueryFlattened(nlohmann::ordered_json elements);

// <ActionResponse xmlns="..."><ActionResult>...</ActionResult><ResponseMetadata><RequestId>
// ...</RequestId></ResponseMetadata></ActionResponse>. Objects become elements in member
// order (an ordered_json keeps the order it was built in; a nlohmann::json converts to one
// in its sorted order, which botocore accepts as well), arrays <Name><member>...</member>
// </Name>, null members are left out, strings are XML-escaped, booleans true/false, numbers
// as JSON prints them. A null result leaves out <ActionResult> (IAM's DeleteUser); an object
// result with no members is an empty <ActionResult></ActionResult>.
std::string RenderQueryResponse(std::string_view action, std::string_view xmlns,
                                const nlohmann::ordered_json& result, std::string_view request_id);

// <ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>..</Code><Message>..</Message>
// </Error><RequestId>..</RequestId></ErrorResponse>, as IAM, STS and CloudWatch answer.
// `type` is "Sender" (the client's fault, 4xx) or "Receiver" (5xx). Error::details become
// elements after <Message>. An empty xmlns leaves the attribute out. The HTTP status and
// Content-Type (text/xml) are the pipeline's.
std::string RenderQueryError(std::string_view type, const Error& error, std::string_view request_id,
                             std::string_view xmlns = {});

}  // namespace evoke::api
