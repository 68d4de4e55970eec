#include "app/test_clock.h"

#include <nlohmann/json.hpp>

#include "http/read_body.h"

namespace evoke::app {
namespace {

http::Response JsonResponse(int status, const char* name, const nlohmann::json& value) {
  nlohmann::json body;
  body[name] = value;
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

}  // namespace

Task<void> HandleTestClock(http::Exchange& ex, AdjustableClock& clock) {
  const http::Request& req = ex.request();
  if (req.path != "/_evoke/test/clock" || (req.method != "POST" && req.method != "GET")) {
    http::Response missing = JsonResponse(404, "message", "no such endpoint");
    (void)co_await ex.Send(std::move(missing));
    co_return;
  }
  if (req.method == "POST") {
    auto body = co_await http::ReadWholeBody(ex, 4096, true);
    nlohmann::json j = body.ok() ? nlohmann::json::parse(*body, nullptr, false) : nlohmann::json();
    auto it = j.is_object() ? j.find("advanceSeconds") : j.end();
    if (it == j.end() || !it->is_number() || it->get<double>() < 0) {
      http::Response bad = JsonResponse(400, "message", "expected {\"advanceSeconds\": N >= 0}");
      (void)co_await ex.Send(std::move(bad));
      co_return;
    }
    clock.Advance(static_cast<int64_t>(it->get<double>() * 1000));
  }
  http::Response now = JsonResponse(200, "nowMs", clock.NowMs());
  (void)co_await ex.Send(std::move(now));
}

}  // namespace evoke::app
