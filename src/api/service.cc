#include "api/service.h"

#include "base/encoding.h"

namespace evoke::api {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

bool QueryMatches(const http::Request& request, std::string_view want) {
  if (want.empty()) return true;
  size_t eq = want.find('=');
  const std::string* have = request.query.Get(want.substr(0, eq));
  return have && *have == want.substr(eq + 1);
}

}  // namespace

int Service::StatusOf(std::string_view code) const {
  for (const ErrorStatus& e : errors) {
    if (e.code == code) return e.status;
  }
  return 0;
}

std::string_view Service::ShapeOf(std::string_view code) const {
  for (const ErrorStatus& e : errors) {
    if (e.code == code) return e.shape.empty() ? e.code : e.shape;
  }
  return code;
}

bool Service::Speaks(Protocol p) const {
  if (p == protocol) return true;
  for (Protocol other : also_speaks) {
    if (other == p) return true;
  }
  return false;
}

const Operation* MatchRestOperation(const Service& service, const http::Request& request,
                                    std::vector<std::string>& path_params) {
  std::vector<std::string_view> have = Segments(request.path);
  for (const Operation& op : service.operations) {
    if (op.method != request.method || !QueryMatches(request, op.query)) continue;
    std::vector<std::string_view> want = Segments(op.path);
    if (want.size() != have.size()) continue;
    std::vector<std::string> found;
    bool match = true;
    for (size_t i = 0; i < want.size() && match; ++i) {
      if (want[i] == "{}") {
        auto decoded = UriDecode(have[i], false);
        match = decoded.has_value();
        if (match) found.push_back(std::move(*decoded));
      } else {
        match = want[i] == have[i];
      }
    }
    if (match) {
      path_params = std::move(found);
      return &op;
    }
  }
  return nullptr;
}

}  // namespace evoke::api
