#include "app/evoke_endpoints.h"

#include <array>
#include <fstream>
#include <sstream>

#include "app/test_clock.h"
#include "base/hash.h"
#include "base/ids.h"

namespace evoke::app {
namespace {

http::Response JsonMessage(int status, std::string_view message) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/json");
  std::string body = "{\"message\":\"";
  body += message;  // our own texts: nothing to escape
  body += "\"}";
  r.body = std::move(body);
  return r;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

enum class Endpoint { kMetrics, kTestClock };

struct Route {
  std::string_view path;
  Endpoint endpoint;
  std::string_view action;
};

constexpr std::array kRoutes = {
    Route{"/_evoke/metrics", Endpoint::kMetrics, kGetMetricsAction},
    Route{"/_evoke/test/clock", Endpoint::kTestClock, kTestClockAction},
};

}  // namespace

bool BearerMatches(std::optional<std::string_view> authorization, std::string_view token) {
  if (!authorization || token.empty()) return false;
  std::string_view v = Trim(*authorization);
  if (v.size() < 7 || !http::EqualsIgnoreCase(v.substr(0, 7), "Bearer ")) return false;
  return ConstantTimeEquals(Trim(v.substr(7)), token);
}

Result<std::string> ReadMetricsToken(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("Usage", "cannot read --metrics-token-file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string whole = text.str();
  std::string_view token = Trim(whole);
  if (token.empty()) return MakeError("Usage", "--metrics-token-file " + path + " is empty");
  if (token.find_first_of(" \t\r\n") != std::string_view::npos) {
    return MakeError("Usage", "--metrics-token-file " + path + " must hold one token");
  }
  return std::string(token);
}

Task<void> EvokeEndpoints::Handle(http::Exchange& ex) const {
  ex.log().service = "evoke";
  ex.log().request_id = NewRequestId();
  const Route* route = nullptr;
  for (const Route& r : kRoutes) {
    if (ex.request().path == r.path) route = &r;
  }
  if (route != nullptr && route->endpoint == Endpoint::kTestClock && options_.test_clock) {
    ex.log().action = std::string(route->action);
    co_await HandleTestClock(ex, *options_.test_clock);
    co_return;
  }
  if (route == nullptr || route->endpoint != Endpoint::kMetrics) {
    ex.log().error_code = "NotFound";
    http::Response missing = JsonMessage(404, "no such endpoint");
    (void)co_await ex.Send(std::move(missing));
    co_return;
  }
  ex.log().action = std::string(route->action);
  co_await Metrics(ex);
}

Task<void> EvokeEndpoints::Metrics(http::Exchange& ex) const {
  const http::Request& req = ex.request();
  if (req.method != "GET" && req.method != "HEAD") {
    ex.log().error_code = "MethodNotAllowed";
    http::Response refused = JsonMessage(405, "use GET");
    refused.headers.Add("Allow", "GET, HEAD");
    (void)co_await ex.Send(std::move(refused));
    co_return;
  }
  if (!options_.metrics_token.empty() &&
      !BearerMatches(req.headers.Get("Authorization"), options_.metrics_token)) {
    ex.log().error_code = "Unauthorized";
    http::Response refused = JsonMessage(401, "a bearer token is required");
    refused.headers.Add("WWW-Authenticate", "Bearer realm=\"evoke\"");
    (void)co_await ex.Send(std::move(refused));
    co_return;
  }
  http::Response r;
  r.status = 200;
  r.headers.Add("Content-Type", std::string(observe::prometheus::kContentType));
  r.headers.Add("Cache-Control", "no-store");
  r.body = options_.metrics->Render();
  (void)co_await ex.Send(std::move(r));
}

}  // namespace evoke::app
