// The multipart/form-data parser of browser form uploads, fed any body in pieces of sizes the
// input chooses. It may not crash, hang or leak, and must see the same form however the body
// is cut: the fields, the file's bytes and the verdict of a whole-body parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/post_form.h"

using namespace evoke;
using namespace evoke::s3;

namespace {

struct Seen final : FormParser::Sink {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string filename;
  std::string data;
  int starts = 0;
  int ends = 0;
  Status OnField(std::string name, std::string value) override {
    fields.emplace_back(std::move(name), std::move(value));
    return {};
  }
  Status OnFileStart(const FormParser::FilePart& part) override {
    ++starts;
    filename = part.filename;
    return {};
  }
  Status OnFileData(std::string_view d) override {
    data.append(d);
    return {};
  }
  Status OnFileEnd() override {
    ++ends;
    return {};
  }
  bool operator==(const Seen& o) const {
    return fields == o.fields && filename == o.filename && data == o.data &&
           starts == o.starts && ends == o.ends;
  }
};

// Parses `body` cut every `step` bytes; the first error, or Finish's verdict.
std::string Parse(std::string_view body, size_t step, Seen& seen) {
  FormParser parser("b0und");
  for (size_t i = 0; i < body.size(); i += step) {
    Status s = parser.Feed(body.substr(i, step), seen);
    if (!s.ok()) return s.error().code;
  }
  Status s = parser.Finish();
  return s.ok() ? "" : s.error().code;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = data[0] % 17 + 1;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  Seen whole, cut;
  std::string a = Parse(body, body.size() + 1, whole);
  std::string b = Parse(body, step, cut);
  // Both stop at the same error; until then they saw the same form (a piece may deliver a
  // field or file bytes before the error that the whole body's parse reaches first, so compare
  // only accepted forms).
  if (a != b) abort();
  if (a.empty() && !(whole == cut)) abort();
  (void)FormBoundary(body);
  return 0;
}
