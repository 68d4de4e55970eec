// InvocationResponse and the error document of the Runtime API's /error endpoints.
#include <cstdio>
#include <utility>

#include "evoke/lambda_runtime.h"

namespace evoke::lambda_runtime {
namespace {

// `text` as a JSON string literal. Bytes from 0x80 up pass through: the Runtime API takes
// UTF-8, and re-encoding is not this library's business.
void AppendJsonString(std::string& out, const std::string& text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string ErrorDocument(const std::string& error_message, const std::string& error_type) {
  std::string document = "{\"errorMessage\":";
  AppendJsonString(document, error_message);
  document += ",\"errorType\":";
  AppendJsonString(document, error_type);
  document += ",\"stackTrace\":[]}";
  return document;
}

InvocationResponse InvocationResponse::Success(std::string payload, std::string content_type) {
  InvocationResponse response;
  response.success_ = true;
  response.payload_ = std::move(payload);
  response.content_type_ = std::move(content_type);
  return response;
}

InvocationResponse InvocationResponse::Failure(const std::string& error_message,
                                               std::string error_type) {
  InvocationResponse response;
  response.payload_ = ErrorDocument(error_message, error_type);
  // The media type the Runtime API documents for error documents.
  response.content_type_ = "application/vnd.aws.lambda.error+json";
  response.error_type_ = std::move(error_type);
  return response;
}

}  // namespace evoke::lambda_runtime
