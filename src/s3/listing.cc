#include "s3/listing.h"

namespace evoke::s3 {

std::string SkipPrefix(std::string_view common_prefix) {
  std::string s(common_prefix);
  s += '\xff';
  return s;
}

Result<ListPage> ListObjectsPage(const ListQuery& q, const FetchObjects& fetch) {
  ListPage page;
  store::VersionPosition& resume = page.resume;
  resume = q.after;
  // max-keys=0 asks for nothing, and S3 says nothing more is there (IsTruncated false).
  if (q.max_keys == 0) return page;
  size_t count = 0;
  constexpr size_t kBatch = 1000;
  for (;;) {
    if (count == q.max_keys) {
      auto more = fetch(resume, 1);
      if (!more.ok()) return std::move(more).error();
      page.truncated = !more->empty();
      return page;
    }
    size_t want = std::min(kBatch, q.max_keys - count);
    auto batch = fetch(resume, want);
    if (!batch.ok()) return std::move(batch).error();
    if (batch->empty()) return page;
    bool jumped = false;
    for (auto& record : *batch) {
      if (count == q.max_keys) break;
      if (!q.delimiter.empty()) {
        size_t pos = record.key.find(q.delimiter, q.prefix.size());
        if (pos != std::string::npos) {
          std::string cp = record.key.substr(0, pos + q.delimiter.size());
          page.common_prefixes.push_back(cp);
          page.next_marker = cp;
          page.next_version_id.clear();
          resume = {SkipPrefix(cp), store::VersionPosition::kPastKey};
          ++count;
          jumped = true;
          break;  // refetch past the whole prefix
        }
      }
      page.next_marker = record.key;
      page.next_version_id = record.version_id;
      resume = {record.key, q.versions ? record.seq : store::VersionPosition::kPastKey};
      page.contents.push_back(std::move(record));
      ++count;
    }
    if (!jumped && batch->size() < want && count < q.max_keys) return page;
  }
}

}  // namespace evoke::s3
