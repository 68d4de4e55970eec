#include "api/xml_codec.h"

#include "base/encoding.h"

namespace evoke::api {
namespace {

void AddRequestIds(http::Response& r, std::string_view request_id, std::string_view host_id) {
  r.headers.Set("x-amz-request-id", std::string(request_id));
  r.headers.Set("x-amz-id-2", std::string(host_id));
  r.headers.Set("Server", "evoke");
}

void AppendElement(std::string& x, std::string_view name, std::string_view value) {
  x += '<';
  x += name;
  x += '>';
  AppendXmlEscaped(x, value);
  x += "</";
  x += name;
  x += '>';
}

// A detail named as a response header (lower-case "x-amz-...", or "Last-Modified") is sent as
// that header, not as an element: S3 tells some facts of an error only in headers. (Elements
// with hyphens, <X-Amz-Expires> and <Content-MD5>, are spelled otherwise.)
bool IsHeaderDetail(std::string_view name) {
  return name.starts_with("x-amz-") || name == "Last-Modified";
}

}  // namespace

std::string XmlHostId(std::string_view request_id) {
  return Base64Encode(std::string(request_id) + "/evoke");
}

http::Response RenderXmlOutput(Output output, std::string_view request_id,
                               std::string_view host_id) {
  http::Response r;
  r.status = output.status;
  r.headers = std::move(output.headers);
  AddRequestIds(r, request_id, host_id);
  if (output.payload) {
    r.body = std::move(*output.payload);
  } else if (output.content_length) {
    r.content_length = output.content_length;
  }
  return r;
}

http::Response RenderXmlError(const Error& error, int status, std::string_view resource,
                              std::string_view request_id, std::string_view host_id) {
  http::Response r;
  r.status = status;
  AddRequestIds(r, request_id, host_id);
  if (status == 304) return r;  // Not Modified carries no body
  r.headers.Add("Content-Type", "application/xml");
  for (const auto& [name, value] : error.details) {
    // Redirect hints travel as headers too, so clients that only read headers follow them.
    if (name == "Region") r.headers.Add("x-amz-bucket-region", value);
    if (IsHeaderDetail(name)) r.headers.Add(name, value);
  }
  std::string& x = r.body;
  x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>";
  AppendElement(x, "Code", error.code);
  AppendElement(x, "Message", error.message);
  for (const auto& [name, value] : error.details) {
    if (!IsHeaderDetail(name)) AppendElement(x, name, value);
  }
  if (!resource.empty()) AppendElement(x, "Resource", resource);
  AppendElement(x, "RequestId", request_id);
  AppendElement(x, "HostId", host_id);
  x += "</Error>";
  return r;
}

}  // namespace evoke::api
