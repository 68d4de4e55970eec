#include "s3/conditions.h"

#include <charconv>

#include "base/time_format.h"
#include "s3/xml.h"

namespace evoke::s3 {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseNumber(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

Precondition Evaluate(const http::Headers& h, std::string_view etag, int64_t modified_s,
                      std::string_view if_match, std::string_view if_none_match,
                      std::string_view if_modified_since, std::string_view if_unmodified_since,
                      Precondition on_unchanged) {
  auto match = h.Get(if_match);
  if (match) {
    if (!EtagListMatches(*match, etag)) return Precondition::kFailed;
  } else if (auto unmodified = h.Get(if_unmodified_since)) {
    auto t = ParseHttpDate(Trim(*unmodified));
    if (t && modified_s > *t) return Precondition::kFailed;
  }
  auto none_match = h.Get(if_none_match);
  if (none_match) {
    if (EtagListMatches(*none_match, etag)) return on_unchanged;
  } else if (auto modified = h.Get(if_modified_since)) {
    auto t = ParseHttpDate(Trim(*modified));
    if (t && modified_s <= *t) return on_unchanged;
  }
  return Precondition::kProceed;
}

}  // namespace

RangeSpec ParseRange(std::string_view header, uint64_t size) {
  RangeSpec whole;
  header = Trim(header);
  if (!header.starts_with("bytes=")) return whole;
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return whole;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view a = Trim(spec.substr(0, dash)), b = Trim(spec.substr(dash + 1));
  RangeSpec r;
  r.kind = RangeSpec::Kind::kRange;
  if (a.empty()) {
    uint64_t n;
    if (!ParseNumber(b, &n)) return whole;
    if (n == 0 || size == 0) return RangeSpec{RangeSpec::Kind::kUnsatisfiable, {}};
    r.range.first = n >= size ? 0 : size - n;
    r.range.last = size - 1;
    return r;
  }
  uint64_t first;
  if (!ParseNumber(a, &first)) return whole;
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    if (!ParseNumber(b, &last)) return whole;
    if (last < first) return whole;
    if (size > 0 && last >= size) last = size - 1;
  }
  if (first >= size) return RangeSpec{RangeSpec::Kind::kUnsatisfiable, {}};
  r.range = {first, last};
  return r;
}

bool EtagListMatches(std::string_view header, std::string_view etag) {
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = Trim(header.substr(pos, comma - pos));
    if (item == "*" || (!item.empty() && UnquoteEtag(item) == etag)) return true;
    pos = comma + 1;
  }
  return false;
}

Precondition EvaluateConditions(const http::Headers& headers, std::string_view etag,
                                int64_t last_modified_s) {
  return Evaluate(headers, etag, last_modified_s, "If-Match", "If-None-Match", "If-Modified-Since",
                  "If-Unmodified-Since", Precondition::kNotModified);
}

Precondition EvaluateCopySourceConditions(const http::Headers& headers, std::string_view etag,
                                          int64_t last_modified_s) {
  return Evaluate(headers, etag, last_modified_s, "x-amz-copy-source-if-match",
                  "x-amz-copy-source-if-none-match", "x-amz-copy-source-if-modified-since",
                  "x-amz-copy-source-if-unmodified-since", Precondition::kFailed);
}

Result<WriteConditions> ParseWriteConditions(const http::Headers& headers) {
  WriteConditions c;
  if (auto none_match = headers.Get("If-None-Match")) {
    if (Trim(*none_match) != "*") {
      return MakeError("NotImplemented",
                       "A header you provided implies functionality that is not implemented")
          .With("Header", "If-None-Match");
    }
    c.if_none_match = true;
  }
  if (auto match = headers.Get("If-Match")) c.if_match = std::string(Trim(*match));
  return c;
}

Status CheckWriteConditions(const WriteConditions& conditions,
                            std::optional<std::string_view> current_etag, std::string_view key) {
  auto failed = [](std::string_view condition) {
    return MakeError("PreconditionFailed",
                     "At least one of the pre-conditions you specified did not hold")
        .With("Condition", std::string(condition));
  };
  if (conditions.if_none_match && current_etag) return failed("If-None-Match");
  if (conditions.if_match) {
    if (!current_etag) {
      return MakeError("NoSuchKey", "The specified key does not exist.")
          .With("Key", std::string(key));
    }
    if (!EtagListMatches(*conditions.if_match, *current_etag)) return failed("If-Match");
  }
  return {};
}

}  // namespace evoke::s3
