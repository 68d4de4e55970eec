#include "s3/names.h"

#include "base/encoding.h"

namespace evoke::s3 {
namespace {

bool IsIpv4(std::string_view s) {
  int dots = 0, digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host;  // IPv6 literal: never a bucket host
  size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

}  // namespace

Result<Target> ParseTarget(const http::Request& request, const std::vector<std::string>& domains) {
  Target t;
  std::string_view path = request.path;
  if (path.empty() || path.front() != '/') {
    return MakeError("InvalidURI", "Couldn't parse the specified URI.");
  }
  std::string virtual_bucket;
  if (auto host = request.headers.Get("Host")) {
    std::string h = http::ToLower(HostWithoutPort(*host));
    for (const auto& domain : domains) {
      if (h.size() > domain.size() + 1 && h.ends_with(domain) &&
          h[h.size() - domain.size() - 1] == '.') {
        virtual_bucket = h.substr(0, h.size() - domain.size() - 1);
        break;
      }
    }
  }
  std::string_view rest = path.substr(1);
  if (!virtual_bucket.empty()) {
    t.bucket = std::move(virtual_bucket);
    t.level = Level::kBucket;
    t.virtual_host = true;
  } else {
    if (rest.empty()) return t;  // the service: ListBuckets
    size_t slash = rest.find('/');
    auto bucket = UriDecode(rest.substr(0, slash), false);
    if (!bucket || bucket->empty()) return MakeError("InvalidURI", "Couldn't parse the specified URI.");
    t.bucket = std::move(*bucket);
    t.level = Level::kBucket;
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  if (!rest.empty()) {
    auto key = UriDecode(rest, false);
    if (!key) return MakeError("InvalidURI", "Couldn't parse the specified URI.");
    t.key = std::move(*key);
    t.level = Level::kObject;
  }
  return t;
}

Status ValidateBucketName(std::string_view name) {
  auto invalid = [&] {
    return MakeError("InvalidBucketName", "The specified bucket is not valid.")
        .With("BucketName", std::string(name));
  };
  if (name.size() < 3 || name.size() > 63) return invalid();
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return invalid();
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return invalid();
  if (name.find("..") != std::string_view::npos || name.find(".-") != std::string_view::npos ||
      name.find("-.") != std::string_view::npos) {
    return invalid();
  }
  if (IsIpv4(name)) return invalid();
  for (std::string_view prefix : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (name.starts_with(prefix)) return invalid();
  }
  for (std::string_view suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
    if (name.ends_with(suffix)) return invalid();
  }
  return {};
}

Status ValidateKey(std::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    return MakeError("KeyTooLongError", "Your key is too long")
        .With("Size", std::to_string(key.size()))
        .With("MaxSizeAllowed", std::to_string(kMaxKeyBytes));
  }
  if (!IsValidUtf8(key)) {
    return MakeError("InvalidArgument", "Object key is not valid UTF-8.");
  }
  return {};
}

}  // namespace evoke::s3
