#include "auth/sigv2.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "base/encoding.h"
#include "base/hash.h"

namespace evoke::auth {
namespace {

// The sub-resources that are part of the signed resource, as S3 (and botocore) list them.
constexpr std::array<std::string_view, 35> kSignedSubresources = {
    "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory",
    "lifecycle", "location", "logging", "metrics", "notification", "object-lock", "partNumber",
    "policy", "replication", "requestPayment", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "response-content-language",
    "response-content-type", "response-expires", "restore", "select", "select-type",
    "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
    "versions", "website"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<SigV2Params> ParseSigV2Header(std::string_view header) {
  if (!header.starts_with("AWS ")) {
    return MakeError("InvalidArgument", "Authorization header is invalid -- one and only one ' ' "
                                        "(space) required");
  }
  std::string_view rest = header.substr(4);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return MakeError("InvalidArgument", "AWS authorization header is invalid.  Expected "
                                        "AwsAccessKeyId:signature");
  }
  SigV2Params p;
  p.access_key_id = std::string(rest.substr(0, colon));
  p.signature = std::string(rest.substr(colon + 1));
  return p;
}

Result<SigV2Params> ParseSigV2Query(const http::Query& query) {
  const std::string* id = query.Get("AWSAccessKeyId");
  const std::string* sig = query.Get("Signature");
  const std::string* expires = query.Get("Expires");
  if (!id || !sig || !expires) {
    return MakeError("AccessDenied", "Query-string authentication requires the Signature, "
                                     "Expires and AWSAccessKeyId parameters");
  }
  SigV2Params p;
  p.presigned = true;
  p.access_key_id = *id;
  p.signature = *sig;
  p.expires = *expires;
  auto [ptr, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), p.expires_s);
  if (ec != std::errc() || ptr != expires->data() + expires->size()) {
    return MakeError("AccessDenied", "Invalid date (should be seconds since epoch): " + *expires);
  }
  return p;
}

std::string SigV2StringToSign(const http::Request& req, std::string_view resource,
                              const SigV2Params& params) {
  // For presigned URLs, presigning moved Content-MD5, Content-Type and x-amz-* into the query.
  auto standard = [&](std::string_view name) -> std::string {
    if (params.presigned) {
      if (const std::string* v = req.query.Get(http::ToLower(name))) return std::string(Trim(*v));
    }
    auto v = req.headers.Get(name);
    return v ? std::string(Trim(*v)) : std::string();
  };
  std::string s = req.method + "\n";
  s += standard("Content-MD5") + "\n";
  s += standard("Content-Type") + "\n";
  std::map<std::string, std::string> amz;
  for (const auto& [name, value] : req.headers.fields()) {
    std::string lower = http::ToLower(name);
    if (!lower.starts_with("x-amz-")) continue;
    auto& v = amz[lower];
    if (!v.empty()) v += ',';
    v += Trim(value);
  }
  if (params.presigned) {
    s += params.expires + "\n";
    for (const auto& p : req.query.params()) {
      if (p.name.starts_with("x-amz-")) amz[p.name] = std::string(Trim(p.value));
    }
  } else {
    // With x-amz-date present the Date line is empty; the date is signed as an amz header.
    s += (amz.count("x-amz-date") ? std::string() : standard("Date")) + "\n";
  }
  for (const auto& [name, value] : amz) s += name + ":" + value + "\n";
  s += resource;
  std::vector<std::pair<std::string, std::string>> subs;
  for (const auto& p : req.query.params()) {
    if (std::find(kSignedSubresources.begin(), kSignedSubresources.end(), p.name) !=
        kSignedSubresources.end()) {
      subs.emplace_back(p.name, p.has_value ? "=" + p.value : "");
    }
  }
  std::stable_sort(subs.begin(), subs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < subs.size(); ++i) {
    s += i == 0 ? '?' : '&';
    s += subs[i].first + subs[i].second;
  }
  return s;
}

std::string SigV2Signature(std::string_view secret, std::string_view string_to_sign) {
  return Base64Encode(HmacSha1(secret, string_to_sign));
}

Status ApplySigV2QueryHeaders(http::Request& request) {
  for (const auto& p : request.query.params()) {
    std::string name = http::ToLower(p.name);
    if (name != "content-md5" && name != "content-type" && !name.starts_with("x-amz-")) continue;
    if (auto header = request.headers.Get(name)) {
      if (Trim(*header) != Trim(p.value)) {
        return MakeError("AccessDenied",
                         "There were headers present in the request which were not signed")
            .With("HeadersNotSigned", name);
      }
      continue;
    }
    request.headers.Add(p.name, p.value);
  }
  return {};
}

}  // namespace evoke::auth
