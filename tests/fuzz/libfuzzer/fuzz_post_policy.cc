// The POST policy of browser form uploads, fed any document (as the base64 a form carries, and
// as raw text), then checked against a form. It may not crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "s3/post_policy.h"

using namespace evoke;
using namespace evoke::s3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const std::string& field : {Base64Encode(text), std::string(text)}) {
    auto policy = ParsePostPolicy(field);
    if (!policy.ok()) continue;
    FormFields form = {{"key", "user/a.png"}, {"content-type", "image/png, text/plain"},
                       {"bucket", "photos"}, {"x-amz-meta-a", ""}, {"acl", "public-read"}};
    (void)CheckPostPolicy(*policy, form, 0);
    (void)CheckPostPolicy(*policy, {}, INT64_MAX);
    (void)CheckPostLength(*policy, PostMaxLength(*policy));
    (void)CheckPostLength(*policy, 0);
  }
  return 0;
}
