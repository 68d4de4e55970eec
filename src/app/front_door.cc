#include "app/front_door.h"

#include <array>

#include "api/unknown_service.h"
#include "base/ids.h"

namespace evoke::app {
namespace {

struct TargetPrefix {
  std::string_view prefix;
  std::string_view service;
};

// X-Amz-Target prefixes of the JSON protocols.
constexpr std::array kTargets = {
    TargetPrefix{"AWSEvents.", "events"},
    TargetPrefix{"Logs_20140328.", "logs"},
    TargetPrefix{"GraniteServiceVersion20100801.", "monitoring"},
    TargetPrefix{"AmazonSQS.", "sqs"},
    TargetPrefix{"AWSSecurityTokenServiceV20110615.", "sts"},
};

struct PathPrefix {
  std::string_view prefix;
  std::string_view service;
};

// REST paths that belong to a service even without a signature to say so. None is a valid
// S3 bucket name (bucket names cannot contain upper case or start with a digit-dash date).
constexpr std::array kPaths = {
    PathPrefix{"/2015-03-31/functions", "lambda"},
    PathPrefix{"/2014-11-13/functions", "lambda"},
    PathPrefix{"/2016-08-19/account-settings", "lambda"},
    PathPrefix{"/2017-10-31/functions", "lambda"},
    PathPrefix{"/2018-10-31/layers", "lambda"},
    PathPrefix{"/2019-09-25/functions", "lambda"},
    PathPrefix{"/2019-09-30/functions", "lambda"},
    PathPrefix{"/TraceSegments", "xray"},  // X-Ray (upper case: never a bucket)
    PathPrefix{"/TraceSummaries", "xray"},
    PathPrefix{"/Traces", "xray"},
    PathPrefix{"/_evoke/", "evoke"},  // evoke's own endpoints ('_' is not in bucket names)
};

std::string_view ScopeService(std::string_view credential) {
  // AKID/date/region/service/aws4_request
  size_t end = credential.rfind('/');
  if (end == std::string_view::npos) return {};
  size_t start = credential.rfind('/', end - 1);
  if (start == std::string_view::npos) return {};
  return credential.substr(start + 1, end - start - 1);
}

}  // namespace

std::string ServiceOf(const http::Request& req) {
  if (auto target = req.headers.Get("X-Amz-Target")) {
    for (const auto& t : kTargets) {
      if (target->starts_with(t.prefix)) return std::string(t.service);
    }
  }
  if (auto auth = req.headers.Get("Authorization")) {
    size_t pos = auth->find("Credential=");
    if (pos != std::string_view::npos) {
      std::string_view rest = auth->substr(pos + 11);
      rest = rest.substr(0, rest.find_first_of(", "));
      std::string_view service = ScopeService(rest);
      if (!service.empty()) return std::string(service);
    }
  } else if (const std::string* credential = req.query.Get("X-Amz-Credential")) {
    std::string_view service = ScopeService(*credential);
    if (!service.empty()) return std::string(service);
  }
  // RPCv2-CBOR (CloudWatch's newest clients): /service/<shape>/operation/<Op> with the
  // smithy-protocol header ("service" alone could be a bucket).
  if (req.headers.Has("smithy-protocol")) {
    for (const auto& t : kTargets) {
      std::string_view shape = t.prefix.substr(0, t.prefix.size() - 1);
      std::string_view path = req.path;
      if (path.starts_with("/service/") && path.substr(9).starts_with(shape) &&
          path.substr(9 + shape.size()).starts_with("/operation/")) {
        return std::string(t.service);
      }
    }
  }
  for (const auto& p : kPaths) {
    if (req.path.starts_with(p.prefix)) return std::string(p.service);
  }
  return "s3";
}

FrontDoor::FrontDoor(s3::S3Service& s3, const api::Pipeline& pipeline)
    : s3_(s3), pipeline_(pipeline) {}

http::Response FrontDoor::S3Error(Error error, const std::string& request_id,
                                  std::string_view resource) const {
  return pipeline_.RenderError(s3_.table(), std::move(error), request_id, resource);
}

void FrontDoor::AddService(std::string name, ServiceHandler handler) {
  services_[std::move(name)] = std::move(handler);
}

Task<void> FrontDoor::Handle(http::Exchange& ex) {
  std::string service = ServiceOf(ex.request());
  if (service == "s3") {
    co_await s3_.Handle(ex);
    co_return;
  }
  auto it = services_.find(service);
  if (it != services_.end()) {
    co_await it->second(ex);
    co_return;
  }
  std::string request_id = NewRequestId();
  ex.log().request_id = request_id;
  ex.log().service = service;
  if (auto answer = api::RenderUnknownService(ex.request(), service, request_id)) {
    ex.log().error_code = answer->error_code;
    (void)co_await ex.Send(std::move(answer->response));
    co_return;
  }
  ex.log().error_code = "NotImplemented";
  // Built before the co_await: GCC 12 mishandles temporaries inside a co_await's arguments.
  http::Response refused =
      S3Error(MakeError("NotImplemented", "evoke does not serve the '" + service + "' service yet."),
              request_id, ex.request().path);
  (void)co_await ex.Send(std::move(refused));
}

http::Response FrontDoor::RenderProtocolError(http::ProtocolError error,
                                              const std::string& request_id) {
  switch (error) {
    case http::ProtocolError::kHeaderTooLarge:
      return S3Error(MakeError("RequestHeaderSectionTooLarge",
                               "Your request header section exceeds the maximum allowed size."),
                     request_id);
    case http::ProtocolError::kUnsupportedEncoding:
      return S3Error(MakeError("NotImplemented",
                               "A header you provided implies functionality that is not "
                               "implemented")
                         .With("Header", "Transfer-Encoding"),
                     request_id);
    case http::ProtocolError::kMalformed:
      break;
  }
  return S3Error(MakeError("InvalidRequest", "The request could not be parsed."), request_id);
}

http::Response FrontDoor::RenderInternalError(const std::string& request_id) {
  return S3Error(MakeError("InternalError", "We encountered an internal error. Please try again."),
                 request_id);
}

}  // namespace evoke::app
