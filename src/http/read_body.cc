#include "http/read_body.h"

namespace evoke::http {

Task<Result<std::string>> ReadWholeBody(Exchange& ex, size_t limit, bool drain) {
  auto too_large = [] { return MakeError("BodyTooLarge", "the request body is too large"); };
  std::string body;
  if (auto length = ex.request().content_length) {
    if (*length > limit && !drain) co_return too_large();
    if (*length <= limit) body.reserve(*length);
  }
  bool over = false;
  char buf[64 * 1024];
  for (;;) {
    auto n = co_await ex.ReadBody(std::span(buf, sizeof buf));
    if (!n.ok()) co_return std::move(n).error();
    if (*n == 0) break;
    if (over || body.size() + *n > limit) {
      if (!drain) co_return too_large();
      over = true;
      body.clear();
      continue;
    }
    body.append(buf, *n);
  }
  if (over) co_return too_large();
  co_return body;
}

}  // namespace evoke::http
