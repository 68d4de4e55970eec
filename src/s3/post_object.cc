// PostObject: a browser's HTML form upload (multipart/form-data POST to the bucket). The form's
// fields take the place of a PUT's headers; its policy, signed with SigV4 or SigV2, says what
// the form may contain; the file streams into a blob as PutObject's body does. docs/post-uploads.md.
#include <algorithm>

#include "base/encoding.h"
#include "base/hash.h"
#include "s3/actions.h"
#include "s3/encryption.h"
#include "s3/names.h"
#include "s3/object_events.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/post_form.h"
#include "s3/post_policy.h"
#include "s3/tagging.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

// The request headers the form's fields replace: a browser's own Content-Type and any
// x-amz-* header on the POST itself say nothing about the object.
bool IsObjectHeader(std::string_view lower) {
  return lower == "content-type" || lower == "content-md5" || lower == "cache-control" ||
         lower == "content-disposition" || lower == "content-encoding" ||
         lower == "content-language" || lower == "expires" || lower.starts_with("x-amz-");
}

// The fields that become the object's headers, under the header's name.
std::optional<std::string> HeaderOfField(std::string_view lower) {
  if (lower == "acl") return "x-amz-acl";
  if (lower == "content-md5") return "Content-MD5";  // checked against the file, not the form
  if (lower == "cache-control" || lower == "content-type" || lower == "content-disposition" ||
      lower == "content-encoding" || lower == "content-language" || lower == "expires") {
    return std::string(lower);
  }
  // The signature's own fields are not the object's; checksum fields are not verified for a
  // form upload (docs/post-uploads.md), so not kept either.
  if (lower == "x-amz-algorithm" || lower == "x-amz-credential" || lower == "x-amz-date" ||
      lower == "x-amz-signature" || lower == "x-amz-security-token" ||
      lower.starts_with("x-amz-checksum") || lower == "x-amz-sdk-checksum-algorithm") {
    return std::nullopt;
  }
  if (lower.starts_with("x-amz-")) return std::string(lower);
  return std::nullopt;
}

Error MissingField(std::string_view name) {
  return MakeError("InvalidArgument", "Bucket POST must contain a field named '" +
                                          std::string(name) +
                                          "'.  If it is specified, please check the order of "
                                          "the fields.")
      .With("ArgumentName", std::string(name))
      .With("ArgumentValue", "");
}

// The form as it streams: its fields, then, when the file starts, the checks (signature,
// policy, permission) and the object's headers, then the file's bytes into memory or a blob.
class PostUpload final : public FormParser::Sink {
 public:
  PostUpload(Context& ctx, bool in_memory) : ctx_(ctx), in_memory_(in_memory) {}

  Status OnField(std::string name, std::string value) override {
    fields_.emplace_back(http::ToLower(name), std::move(value));
    return {};
  }

  Status OnFileStart(const FormParser::FilePart& part) override { return Admit(part.filename); }

  Status OnFileData(std::string_view data) override {
    size_ += data.size();
    if (size_ > max_size_) {
      if (policy_ && size_ > PostMaxLength(*policy_)) return CheckPostLength(*policy_, size_);
      return MakeError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
          .With("ProposedSize", std::to_string(size_))
          .With("MaxSizeAllowed", std::to_string(kMaxSinglePutSize));
    }
    md5_.Update(data);
    if (in_memory_ && written_.inline_body.size() + data.size() <= kMaxInlineBodySize) {
      written_.inline_body.append(data);
      return {};
    }
    if (!written_.blob) {
      auto w = ctx_.deps.blobs.Create();
      if (!w.ok()) return std::move(w).error();
      written_.blob = std::move(*w);
      Status s = written_.blob->Write(written_.inline_body);
      if (!s.ok()) return s;
      written_.inline_body.clear();
    }
    return written_.blob->Write(data);
  }

  Status OnFileEnd() override { return {}; }

  // After the whole form: the size against the policy; the body, verified against a
  // Content-MD5 field.
  Result<WrittenBody> Finish() {
    if (policy_) {
      Status s = CheckPostLength(*policy_, size_);
      if (!s.ok()) return std::move(s).error();
    }
    std::string md5 = md5_.Final();
    if (content_md5_ && *content_md5_ != md5) {
      return MakeError("BadDigest", "The Content-MD5 you specified did not match what we received.");
    }
    written_.size = size_;
    written_.md5_hex = HexEncode(md5);
    return std::move(written_);
  }

  const std::string& key() const { return key_; }
  const store::HeaderList& headers() const { return headers_; }
  const std::string& storage_class() const { return storage_class_; }
  const store::ObjectLockState& lock() const { return lock_; }
  std::optional<std::string_view> Field(std::string_view lower) const {
    for (const auto& [name, value] : fields_) {
      if (name == lower) return value;
    }
    return std::nullopt;
  }

 private:
  Status Admit(std::string_view filename);
  Status Authenticate();
  Status ApplyFieldsAsHeaders();

  Context& ctx_;
  bool in_memory_;
  FormFields fields_;
  std::string key_;
  std::optional<PostPolicy> policy_;
  std::optional<std::string> content_md5_;  // raw 16 bytes
  bool signed_v2_ = false;
  uint64_t max_size_ = kMaxSinglePutSize;
  store::HeaderList headers_;
  std::string storage_class_;
  store::ObjectLockState lock_;
  bool signed_ = false;
  uint64_t size_ = 0;
  Digest md5_{Digest::Kind::kMd5};
  WrittenBody written_;
};

// Every field is known: the key, who signed the form and what its policy allows, the
// permission to write the key, and the object's headers.
Status PostUpload::Admit(std::string_view filename) {
  auto key = Field("key");
  if (!key) return MissingField("key");
  // ${filename}: the name of the file the browser sends, without any directory a browser on
  // Windows or Unix put in front. S3 replaces it in every field, before the policy sees them.
  filename = filename.substr(std::min(filename.size(), filename.find_last_of("/\\") + 1));
  for (auto& [name, value] : fields_) {
    for (size_t at = value.find("${filename}"); at != std::string::npos;
         at = value.find("${filename}", at + filename.size())) {
      value.replace(at, 11, filename);
    }
  }
  key_ = std::string(*Field("key"));
  if (key_.empty()) return MissingField("key");
  Status s = ValidateKey(key_);
  if (!s.ok()) return s;
  ctx_.target.key = key_;
  ctx_.target.level = Level::kObject;

  s = Authenticate();
  if (!s.ok()) return s;
  if (policy_) {
    FormFields checked = fields_;
    checked.emplace_back("bucket", ctx_.target.bucket);
    s = CheckPostPolicy(*policy_, checked, ctx_.NowMs());
    if (!s.ok()) return s;
    max_size_ = std::min(max_size_, PostMaxLength(*policy_));
  }

  s = ApplyFieldsAsHeaders();
  if (!s.ok()) return s;
  // Object Lock: the x-amz-object-lock-* fields, or the bucket's default retention, as for a PUT.
  auto requested = RequestedObjectLock(ctx_, ctx_.target.bucket, signed_ && !signed_v2_);
  if (!requested.ok()) return std::move(requested).error();
  lock_ = NewVersionLock(ctx_, ctx_.target.bucket, *requested);
  if (HasObjectLock(lock_)) {
    s = RequireObjectLockIntegrity(ctx_.req().headers, "Put Object");
    if (!s.ok()) return s;
  }
  // The condition keys a PUT's headers would give, from the form (service.cc gives them for
  // signed requests; the form carries its signature in its fields).
  std::vector<std::pair<std::string, std::string>> keys = {{"s3:authType", "POST"}};
  if (signed_) keys.emplace_back("s3:signatureversion", signed_v2_ ? "AWS" : "AWS4-HMAC-SHA256");
  for (const char* header : {"x-amz-acl", "x-amz-storage-class", "x-amz-server-side-encryption"}) {
    if (auto v = ctx_.req().headers.Get(header)) keys.emplace_back("s3:" + std::string(header), *v);
  }
  for (const auto& [k, v] : TagsOf(headers_)) {
    keys.emplace_back("s3:RequestObjectTagKeys", k);
    keys.emplace_back("s3:RequestObjectTag/" + k, v);
  }
  if (!ctx_.authorize) return MakeError("AccessDenied", "Access Denied");
  s = ctx_.authorize("s3:PutObject", "arn:aws:s3:::" + ctx_.target.bucket + "/" + key_, keys);
  if (!s.ok()) return s;
  return SetRequestedAcl(ctx_, headers_);
}

// The form's signature, when it has one (a form without one is anonymous, and a bucket policy
// decides), and its policy.
Status PostUpload::Authenticate() {
  auto policy = Field("policy");
  auth::FormSignature form;
  form.algorithm = Field("x-amz-algorithm").value_or("");
  form.credential = Field("x-amz-credential").value_or("");
  form.date = Field("x-amz-date").value_or("");
  form.signature = Field("x-amz-signature").value_or("");
  form.access_key_id = Field("awsaccesskeyid").value_or("");
  form.signature_v2 = Field("signature").value_or("");
  form.security_token = Field("x-amz-security-token").value_or("");
  bool v4 = !form.algorithm.empty() || !form.credential.empty() || !form.signature.empty();
  bool v2 = !form.access_key_id.empty() || !form.signature_v2.empty();
  if (!policy && !v4 && !v2) return {};
  if (v2 && !v4) {
    if (form.access_key_id.empty()) return MissingField("AWSAccessKeyId");
    if (!policy) return MissingField("Policy");
    if (form.signature_v2.empty()) return MissingField("Signature");
  } else {
    if (!v4) return MissingField("AWSAccessKeyId");  // a policy without a signature
    form.access_key_id.clear();
    for (auto [name, value] : {std::pair{"X-Amz-Algorithm", &form.algorithm},
                               std::pair{"X-Amz-Credential", &form.credential},
                               std::pair{"X-Amz-Date", &form.date},
                               std::pair{"X-Amz-Signature", &form.signature}}) {
      if (value->empty()) return MissingField(name);
    }
    if (!policy) return MissingField("Policy");
  }
  auto verified = ctx_.deps.verifier.VerifyPostForm(form, *policy);
  if (!verified.ok()) return std::move(verified).error();
  signed_ = true;
  signed_v2_ = form.v2();
  ctx_.principal = verified->principal;
  ctx_.ex.log().principal = ctx_.principal.access_key_id;
  auto parsed = ParsePostPolicy(*policy);
  if (!parsed.ok()) return std::move(parsed).error();
  policy_ = std::move(*parsed);
  return {};
}

// The fields that are a PUT's headers become this request's, so the object's headers, storage
// class, tags and ACL come out as PutObject's do.
Status PostUpload::ApplyFieldsAsHeaders() {
  http::Headers& h = ctx_.ex.mutable_request().headers;
  for (const auto& [name, value] : fields_) {
    if (name == "tagging") {
      auto tags = ParseTaggingXml(value);
      if (!tags.ok()) return std::move(tags).error();
      h.Set(kTaggingHeader, EncodeTagging(*tags));
      continue;
    }
    if (auto header = HeaderOfField(name)) h.Set(*header, value);
  }
  if (auto md5 = Field("content-md5")) {
    auto raw = Base64Decode(*md5);
    if (!raw || raw->size() != 16) {
      return MakeError("InvalidDigest", "The Content-MD5 you specified was invalid.");
    }
    content_md5_ = std::move(*raw);
  }
  Status s = CheckWriteEncryption(h);
  if (!s.ok()) return s;
  auto headers = StoredHeaders(h);
  if (!headers.ok()) return std::move(headers).error();
  headers_ = std::move(*headers);
  auto storage_class = StorageClassOf(h);
  if (!storage_class.ok()) return std::move(storage_class).error();
  storage_class_ = std::move(*storage_class);
  return {};
}

// Where the new object is, for the Location header and a 201's document.
std::string ObjectUrl(const Context& ctx, std::string_view key) {
  std::string host(ctx.req().headers.Get("Host").value_or("localhost"));
  std::string path = "/" + UriEncode(key, true);
  auto addressed = ParseTarget(ctx.req(), ctx.options.domains);
  if (!addressed.ok() || !addressed->virtual_host) path = "/" + ctx.target.bucket + path;
  return "http://" + host + path;
}

// success_action_redirect (or the older redirect): a URL the browser goes on to, with the
// upload's bucket, key and ETag added to its query. Only http(s) URLs count.
std::optional<std::string> RedirectTo(const PostUpload& upload, const store::ObjectRecord& record) {
  auto url = upload.Field("success_action_redirect");
  if (!url || url->empty()) url = upload.Field("redirect");
  if (!url || !(url->starts_with("http://") || url->starts_with("https://"))) return std::nullopt;
  std::string out(*url);
  size_t hash = out.find('#');
  std::string fragment = hash == std::string::npos ? "" : out.substr(hash);
  if (hash != std::string::npos) out.resize(hash);
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += "bucket=" + FormEncode(record.bucket) + "&key=" + FormEncode(record.key) +
         "&etag=" + FormEncode(QuoteEtag(record.etag));
  return out + fragment;
}

}  // namespace

Task<Status> PostObject(Context& ctx) {
  http::Request& req = ctx.ex.mutable_request();
  std::string_view content_type = req.headers.Get("Content-Type").value_or("");
  if (!IsFormData(content_type)) {
    co_return MakeError("PreconditionFailed",
                        "At least one of the pre-conditions you specified did not hold")
        .With("Condition", "Bucket POST must be of the enclosure-type multipart/form-data");
  }
  auto boundary = FormBoundary(content_type);
  if (!boundary) co_return MalformedPostError();
  if (!req.content_length && !req.chunked) {
    co_return MakeError("MissingContentLength", "You must provide the Content-Length HTTP header.");
  }
  Status s = CheckBucketExists(ctx, ctx.target.bucket);
  if (!s.ok()) co_return s;
  std::vector<std::string> replaced;
  for (const auto& [name, value] : req.headers.fields()) {
    std::string lower = http::ToLower(name);
    if (IsObjectHeader(lower)) replaced.push_back(std::move(lower));
  }
  for (const std::string& name : replaced) req.headers.Remove(name);

  BodyReader body(ctx.ex, ctx.auth, /*hashing=*/nullptr);
  s = body.Prepare();
  if (!s.ok()) co_return s;
  bool small = body.expected_length() && *body.expected_length() <= kMaxInlineBodySize;
  PostUpload upload(ctx, small);
  FormParser form(std::move(*boundary));
  for (;;) {
    auto piece = co_await body.Next();
    if (!piece.ok()) co_return std::move(piece).error();
    if (piece->empty()) break;
    s = form.Feed(*piece, upload);
    if (!s.ok()) co_return s;
  }
  s = body.Finish();
  if (!s.ok()) co_return s;
  s = form.Finish();
  if (!s.ok()) co_return s;
  auto written = upload.Finish();
  if (!written.ok()) co_return std::move(written).error();

  store::ObjectRecord record;
  record.bucket = ctx.target.bucket;
  record.key = upload.key();
  record.size = written->size;
  record.etag = written->md5_hex;
  record.modified_ms = ctx.NowMs();
  record.segments = written->segments();
  record.inline_body = std::move(written->inline_body);
  record.headers = upload.headers();
  record.storage_class = upload.storage_class();
  record.lock = upload.lock();
  s = co_await ctx.Commit(written->blobs(), [&](store::WriteTxn& t) -> Status {
    Status put = ctx.deps.objects.PutObject(t, record);
    if (!put.ok()) return put;
    return PublishObjectEvent(t, ctx, CreatedEvent("Post", record));
  });
  if (!s.ok()) co_return s;
  if (written->blob) written->blob->Keep();

  std::string location = ObjectUrl(ctx, record.key);
  if (auto redirect = RedirectTo(upload, record)) {
    http::Response r = ctx.NewResponse(303);
    r.headers.Add("Location", *redirect);
    r.headers.Add("ETag", QuoteEtag(record.etag));
    AddVersionHeader(r, record);
    AddEncryptionHeader(r.headers);
    co_return ctx.Reply(std::move(r));
  }
  // success_action_status: 200 or 201 (with a document); anything else is S3's default, 204.
  std::string_view status = upload.Field("success_action_status").value_or("");
  http::Response r = ctx.NewResponse(status == "200" ? 200 : status == "201" ? 201 : 204);
  if (r.status == 201) {  // S3's document here has no namespace
    r = ctx.XmlResponse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>" +
                            XmlEscape(location) + "</Location><Bucket>" +
                            XmlEscape(record.bucket) + "</Bucket><Key>" + XmlEscape(record.key) +
                            "</Key><ETag>" + XmlEscape(QuoteEtag(record.etag)) +
                            "</ETag></PostResponse>",
                        201);
  }
  r.headers.Add("ETag", QuoteEtag(record.etag));
  r.headers.Add("Location", location);
  AddVersionHeader(r, record);
  AddExpirationHeader(r, ctx, record);
  AddEncryptionHeader(r.headers);
  co_return ctx.Reply(std::move(r));
}

}  // namespace evoke::s3
