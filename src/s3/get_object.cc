// GetObject and HeadObject: conditional requests, a byte range or a part, response header
// overrides, and the body streamed from the object's blobs.
#include <charconv>

#include "base/time_format.h"
#include "s3/actions.h"
#include "s3/checksum.h"
#include "s3/conditions.h"
#include "s3/encryption.h"
#include "s3/object_io.h"
#include "s3/object_lock.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

// Bodies up to this size go out in one write with the head; larger ones stream.
constexpr uint64_t kInlineBody = 1024 * 1024;

// A byte range of an opened object, read piece by piece as the pipeline sends it. The object's
// blobs stay open, so an overwrite meanwhile does not change what is sent.
class ObjectBody final : public api::BodySource {
 public:
  ObjectBody(OpenedObject object, uint64_t offset, uint64_t length)
      : object_(std::move(object)), offset_(offset), length_(length) {}
  uint64_t size() const override { return length_; }
  Result<size_t> Read(char* out, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, length_ - sent_));
    Status s = ReadObjectBytes(object_, offset_ + sent_, n, out);
    if (!s.ok()) return std::move(s).error();
    sent_ += n;
    return n;
  }

 private:
  OpenedObject object_;
  uint64_t offset_;
  uint64_t length_;
  uint64_t sent_ = 0;
};

constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};

Task<Status> ServeObject(Context& ctx, bool head) {
  const http::Request& req = ctx.req();
  if (Status s = CheckNoEncryptionHeaders(req.headers); !s.ok()) co_return s;
  std::optional<int> part_number;
  if (const std::string* pn = req.query.Get("partNumber")) {
    int n = 0;
    auto [p, ec] = std::from_chars(pn->data(), pn->data() + pn->size(), n);
    if (ec != std::errc() || p != pn->data() + pn->size() || n < 1 || n > 10000) {
      co_return MakeError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
          .With("ArgumentName", "partNumber")
          .With("ArgumentValue", *pn);
    }
    part_number = n;
  }
  auto range_header = req.headers.Get("Range");
  if (part_number && range_header) {
    co_return MakeError("InvalidRequest", "Cannot specify both Range header and partNumber query parameter");
  }

  auto version_id = RequestedVersion(req);
  if (!version_id.ok()) co_return std::move(version_id).error();
  auto opened = OpenObject(ctx, ctx.target.bucket, ctx.target.key, *version_id);
  if (!opened.ok()) co_return std::move(opened).error();
  const store::ObjectRecord& o = opened->record;

  auto answered = AnswerReadConditions(ctx, o);
  if (!answered.ok()) co_return std::move(answered).error();
  if (*answered) co_return Status{};

  ByteRange range{0, o.size == 0 ? 0 : o.size - 1};
  bool partial = false;
  if (part_number) {
    int parts = o.part_count > 0 ? o.part_count : 1;
    if (*part_number > parts) {
      co_return MakeError("InvalidPartNumber", "The requested partnumber is not satisfiable")
          .With("PartNumberRequested", std::to_string(*part_number))
          .With("ActualPartCount", std::to_string(parts));
    }
    if (o.part_count > 0) {
      // The part's sizes as CompleteMultipartUpload kept them; an empty part has no segment,
      // so objects completed before they were kept count the segments (an empty part is last).
      auto size_of = [&](size_t i) -> uint64_t {
        if (!o.parts.empty()) return i < o.parts.size() ? o.parts[i].size : 0;
        return i < o.segments.size() ? o.segments[i].size : 0;
      };
      const size_t index = static_cast<size_t>(*part_number - 1);
      uint64_t start = 0;
      for (size_t i = 0; i < index; ++i) start += size_of(i);
      range = {start, start + size_of(index) - 1};
      partial = size_of(index) > 0;
    } else {
      partial = o.size > 0;
    }
  } else if (range_header) {
    RangeSpec spec = ParseRange(*range_header, o.size);
    if (spec.kind == RangeSpec::Kind::kUnsatisfiable) {
      co_return MakeError("InvalidRange", "The requested range is not satisfiable")
          .With("RangeRequested", std::string(*range_header))
          .With("ActualObjectSize", std::to_string(o.size));
    }
    if (spec.kind == RangeSpec::Kind::kRange) {
      range = spec.range;
      partial = true;
    }
  }
  uint64_t length = o.size == 0 ? 0 : range.length();

  http::Response r = ctx.NewResponse(partial ? 206 : 200);
  AddObjectHeaders(r, o);
  AddExpirationHeader(r, ctx, o);
  AddObjectLockHeaders(r, ctx, o);
  AddEncryptionHeader(r.headers);
  r.headers.Add("Accept-Ranges", "bytes");
  if (partial) {
    r.headers.Add("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                       std::to_string(range.last) + "/" + std::to_string(o.size));
  }
  if (part_number && o.part_count > 0) r.headers.Add("x-amz-mp-parts-count", std::to_string(o.part_count));
  if (auto mode = req.headers.Get("x-amz-checksum-mode");
      mode && http::EqualsIgnoreCase(*mode, "ENABLED") && !o.checksum_algorithm.empty() &&
      (!partial || part_number)) {
    auto alg = ParseChecksumAlgorithm(o.checksum_algorithm);
    // A part's own checksum is not answered here (GetObjectAttributes lists the parts'), and
    // the whole object's is not the part's.
    if (alg && !(part_number && o.part_count > 0)) {
      r.headers.Add(std::string(ChecksumHeader(*alg)), o.checksum_value);
      r.headers.Add("x-amz-checksum-type", o.checksum_type.empty() ? "FULL_OBJECT" : o.checksum_type);
    }
  }
  for (const auto& [param, header] : kOverrides) {
    if (const std::string* v = req.query.Get(param)) r.headers.Set(header, *v);
  }
  r.content_length = length;

  if (head || length <= kInlineBody) {
    if (!head && length > 0) {
      r.body.reserve(length);
      Status s = ReadObjectBytes(*opened, range.first, length, r.body);
      if (!s.ok()) co_return s;
    }
    co_return ctx.Reply(std::move(r));
  }
  co_return ctx.Reply(std::move(r), std::make_shared<ObjectBody>(std::move(*opened), range.first,
                                                                 length));
}

}  // namespace

Task<Status> GetObject(Context& ctx) { return ServeObject(ctx, false); }
Task<Status> HeadObject(Context& ctx) { return ServeObject(ctx, true); }

}  // namespace evoke::s3
