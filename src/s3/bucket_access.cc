#include "s3/bucket_access.h"

#include <utility>

#include "base/log.h"

namespace evoke::s3 {
namespace {

constexpr size_t kMaxCachedBuckets = 10'000;

// What stands in for a policy that cannot be read: it denies everyone (root is allowed before
// any policy is asked), so a failure never drops a Deny (fail closed).
std::shared_ptr<const auth::Policy> DenyAll() {
  static const std::shared_ptr<const auth::Policy> deny_all = [] {
    auto parsed = auth::ParsePolicy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
        R"("Action":"*","Resource":"*"}]})",
        auth::PolicyKind::kResource);
    return std::make_shared<const auth::Policy>(parsed.ok() ? *parsed : auth::Policy());
  }();
  return deny_all;
}

}  // namespace

std::optional<PublicAccessBlock> PublicAccessBlock::FromStored(std::string_view flags) {
  if (flags.size() != 4 || flags.find_first_not_of("01") != std::string_view::npos) {
    return std::nullopt;
  }
  return PublicAccessBlock{flags[0] == '1', flags[1] == '1', flags[2] == '1', flags[3] == '1'};
}

std::string PublicAccessBlock::ToStored() const {
  std::string out;
  for (bool b : {block_public_acls, ignore_public_acls, block_public_policy,
                 restrict_public_buckets}) {
    out += b ? '1' : '0';
  }
  return out;
}

std::string_view BucketOfArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:s3:::";
  if (!arn.starts_with(kPrefix)) return {};
  arn.remove_prefix(kPrefix.size());
  return arn.substr(0, arn.find('/'));
}

BucketAccess::BucketAccess(store::Transactions& txns, store::ObjectRepository& objects)
    : txns_(txns), objects_(objects) {}

std::shared_ptr<const BucketAccess::Entry> BucketAccess::Load(std::string_view bucket) const {
  auto entry = std::make_shared<Entry>();
  auto t = txns_.Read();
  auto record = objects_.GetBucket(*t, bucket);
  if (!record.ok()) {
    LogWarning("s3: the policy of bucket " + std::string(bucket) +
               " cannot be read: " + record.error().message);
    entry->policy = DenyAll();
    entry->transient = true;
    return entry;
  }
  if (!record->has_value()) return entry;  // no bucket: no policy
  if (!(*record)->policy.empty()) {
    auto parsed = auth::ParsePolicy((*record)->policy, auth::PolicyKind::kBucket);
    if (parsed.ok()) {
      entry->is_public = auth::IsPublic(*parsed);
      entry->policy = std::make_shared<const auth::Policy>(std::move(*parsed));
    } else {
      // Stored only after it parsed: should a newer parser refuse it, it denies everyone.
      LogWarning("s3: the policy of bucket " + std::string(bucket) +
                 " no longer parses: " + parsed.error().message);
      entry->policy = DenyAll();
    }
  }
  auto block = PublicAccessBlock::FromStored((*record)->public_access_block);
  entry->restrict_public = block && block->restrict_public_buckets;
  return entry;
}

std::shared_ptr<const auth::Policy> BucketAccess::PolicyFor(
    std::string_view bucket, const auth::Principal& principal) const {
  if (bucket.empty()) return nullptr;
  std::shared_ptr<const Entry> entry;
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
    if (auto it = cache_.find(std::string(bucket)); it != cache_.end()) entry = it->second;
  }
  if (!entry) {
    entry = Load(bucket);
    std::lock_guard lock(mutex_);
    if (generation == generation_ && !entry->transient) {
      if (cache_.size() >= kMaxCachedBuckets) cache_.clear();
      cache_.emplace(std::string(bucket), entry);
    }
  }
  // RestrictPublicBuckets: a public policy grants nothing to callers outside the account.
  if (entry->is_public && entry->restrict_public && principal.anonymous) return nullptr;
  return entry->policy;
}

void BucketAccess::Changed(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  ++generation_;
  cache_.erase(std::string(bucket));
}

}  // namespace evoke::s3
