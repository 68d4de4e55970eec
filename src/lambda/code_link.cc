#include "lambda/code_link.h"

#include <cctype>

#include "auth/sigv4.h"
#include "base/encoding.h"
#include "base/hash.h"
#include "base/time_format.h"
#include "http/message.h"

namespace evoke::lambda {

auth::Credential CodeLinkCredential(const auth::Credential& root) {
  auth::Credential c;
  std::string id = HexEncode(HmacSha256(root.secret_access_key, "evoke code link key id"));
  for (char& ch : id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  c.access_key_id = "EVOKECODE" + id.substr(0, 11);
  c.secret_access_key = Base64Encode(HmacSha256(root.secret_access_key, "evoke code link secret"));
  c.principal = root.principal;
  c.principal.access_key_id = c.access_key_id;
  return c;
}

std::string FunctionPackagePath(std::string_view function, std::string_view code_sha256_base64) {
  auto sha = Base64Decode(code_sha256_base64);
  return "/2015-03-31/functions/" + UriEncode(function, false) + "/package/" +
         HexEncode(sha.value_or(std::string()));
}

std::string LayerPackagePath(std::string_view layer, int64_t version) {
  return "/2018-10-31/layers/" + UriEncode(layer, false) + "/versions/" +
         std::to_string(version) + "/package";
}

std::string PresignCodeLink(const CodeLinkKey& key, std::string_view host, std::string_view path,
                            int64_t now_s) {
  auth::SignatureParams p;
  p.access_key_id = key.access_key_id;
  p.amz_date = FormatAmzDate(now_s);
  p.scope_date = p.amz_date.substr(0, 8);
  p.region = key.region;
  p.service = "lambda";
  p.signed_headers = {"host"};
  p.presigned = true;
  p.expires_s = kCodeLinkLifetimeS;

  std::string query = "X-Amz-Algorithm=" + std::string(auth::kAlgorithm) +
                      "&X-Amz-Credential=" + UriEncode(key.access_key_id + "/" + p.Scope(), false) +
                      "&X-Amz-Date=" + p.amz_date +
                      "&X-Amz-Expires=" + std::to_string(kCodeLinkLifetimeS) +
                      "&X-Amz-SignedHeaders=host";
  // Signed exactly as the Verifier will see the download request: a bodiless GET.
  http::Request request;
  request.method = "GET";
  request.path = std::string(path);
  request.raw_query = query;
  request.query = http::Query::Parse(query).value_or(http::Query());
  request.headers.Add("Host", std::string(host));
  std::string canonical =
      auth::CanonicalRequest(request, p, auth::kEmptySha256, auth::PathEncoding::kDouble)
          .value_or("");
  std::string signature = auth::SignatureHex(
      auth::SigningKey(key.secret_access_key, p.scope_date, p.region, p.service),
      auth::StringToSign(p.amz_date, p.Scope(), canonical));
  return "http://" + std::string(host) + std::string(path) + "?" + query +
         "&X-Amz-Signature=" + signature;
}

}  // namespace evoke::lambda
