// FrontDoor: the one http::Handler behind evoke's endpoint. Finds which AWS service a request
// is for (X-Amz-Target, the SigV4 credential scope, then the path) and hands it over.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "api/pipeline.h"
#include "base/asio.h"
#include "http/exchange.h"
#include "s3/service.h"

namespace evoke::app {

// The SigV4 service name a request is for; "s3" when nothing says otherwise. Pure.
std::string ServiceOf(const http::Request& request);

class FrontDoor final : public http::Handler {
 public:
  using ServiceHandler = std::function<Task<void>(http::Exchange&)>;

  // S3 is the service of every request nothing else claims; errors outside any service (a
  // request the HTTP layer refused) are S3's, rendered by `pipeline`.
  FrontDoor(s3::S3Service& s3, const api::Pipeline& pipeline);
  void AddService(std::string name, ServiceHandler handler);

  Task<void> Handle(http::Exchange& exchange) override;
  http::Response RenderProtocolError(http::ProtocolError error, const std::string& request_id) override;
  http::Response RenderInternalError(const std::string& request_id) override;

 private:
  http::Response S3Error(Error error, const std::string& request_id,
                         std::string_view resource = {}) const;

  s3::S3Service& s3_;
  const api::Pipeline& pipeline_;
  std::map<std::string, ServiceHandler, std::less<>> services_;
};

}  // namespace evoke::app
