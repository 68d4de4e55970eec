#include "s3/bucket_access.h"

#include <utility>

#include "base/log.h"
#include "http/message.h"

namespace evoke::s3 {
namespace {

constexpr size_t kMaxCachedBuckets = 10'000;

// Both policies as one (either alone when the other is nullptr).
std::shared_ptr<const auth::Policy> Join(std::shared_ptr<const auth::Policy> a,
                                         std::shared_ptr<const auth::Policy> b) {
  if (!a) return b;
  if (!b) return a;
  return std::make_shared<const auth::Policy>(auth::Combine(*a, *b));
}

// The key of an object ARN ("arn:aws:s3:::bucket/key" -> "key"); empty for a bucket's.
std::string_view ObjectKeyOfArn(std::string_view arn) {
  size_t slash = arn.find('/');
  return slash == std::string_view::npos ? std::string_view() : arn.substr(slash + 1);
}

// The actions an object's ACL grants (READ, READ_ACP, WRITE_ACP); the others an object ACL
// cannot allow, so their decisions need not read it.
bool ReadsObjectAcl(std::string_view action) {
  for (std::string_view a : {"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes",
                             "s3:GetObjectVersionAttributes", "s3:GetObjectAcl",
                             "s3:GetObjectVersionAcl", "s3:PutObjectAcl",
                             "s3:PutObjectVersionAcl"}) {
    if (http::EqualsIgnoreCase(a, action)) return true;
  }
  return false;
}

}  // namespace

// What stands in for a policy that cannot be read: it denies everyone (root is allowed before
// any policy is asked), so a failure never drops a Deny (fail closed).
std::shared_ptr<const auth::Policy> DenyAllPolicy() {
  static const std::shared_ptr<const auth::Policy> deny_all = [] {
    auto parsed = auth::ParsePolicy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
        R"("Action":"*","Resource":"*"}]})",
        auth::PolicyKind::kResource);
    return std::make_shared<const auth::Policy>(parsed.ok() ? *parsed : auth::Policy());
  }();
  return deny_all;
}

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
    entry->policy = DenyAllPolicy();
    entry->transient = true;
    entry->state.unreadable = true;
    return entry;
  }
  if (!record->has_value()) return entry;  // no bucket: no policy
  const store::BucketRecord& b = **record;
  entry->state.exists = true;
  if (!b.policy.empty()) {
    auto parsed = auth::ParsePolicy(b.policy, auth::PolicyKind::kBucket);
    if (parsed.ok()) {
      entry->is_public = auth::IsPublic(*parsed);
      entry->policy = std::make_shared<const auth::Policy>(std::move(*parsed));
    } else {
      // Stored only after it parsed: should a newer parser refuse it, it denies everyone.
      LogWarning("s3: the policy of bucket " + std::string(bucket) +
                 " no longer parses: " + parsed.error().message);
      entry->policy = DenyAllPolicy();
    }
  }
  entry->state.block = PublicAccessBlock::FromStored(b.public_access_block)
                           .value_or(PublicAccessBlock{});
  entry->state.ownership = ParseOwnership(b.ownership).value_or(Ownership::kObjectWriter);
  entry->acls_apply = entry->state.ownership != Ownership::kBucketOwnerEnforced &&
                      !entry->state.block.ignore_public_acls;
  if (entry->acls_apply) {
    std::string json = AclPolicyJson(DecodeAcl(b.acl), /*object=*/false);
    if (!json.empty()) {
      auto parsed = auth::ParsePolicy(json, auth::PolicyKind::kResource);
      entry->acl_policy = parsed.ok() ? std::make_shared<const auth::Policy>(std::move(*parsed))
                                      : DenyAllPolicy();
    }
    entry->joined = Join(entry->policy, entry->acl_policy);
  }
  return entry;
}

std::shared_ptr<const BucketAccess::Entry> BucketAccess::Get(std::string_view bucket) const {
  std::shared_ptr<const Entry> entry;
  uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
    if (auto it = cache_.find(bucket); it != cache_.end()) entry = it->second;
  }
  if (!entry) {
    entry = Load(bucket);
    std::lock_guard lock(mutex_);
    if (generation == generation_ && !entry->transient) {
      if (cache_.size() >= kMaxCachedBuckets) cache_.clear();
      cache_.emplace(std::string(bucket), entry);
    }
  }
  return entry;
}

std::shared_ptr<const auth::Policy> BucketAccess::ObjectAclPolicy(std::string_view bucket,
                                                                  std::string_view key) const {
  std::string stored;
  {
    auto t = txns_.Read();
    auto object = objects_.GetObject(*t, bucket, key);
    if (!object.ok()) {
      LogWarning("s3: the ACL of " + std::string(bucket) + "/" + std::string(key) +
                 " cannot be read: " + object.error().message);
      return DenyAllPolicy();
    }
    if (!object->has_value()) return nullptr;
    for (const auto& [name, value] : (*object)->headers) {
      if (name == kAclHeader) stored = value;
    }
  }
  if (stored.empty()) return nullptr;
  {
    std::lock_guard lock(mutex_);
    if (auto it = object_acl_policies_.find(stored); it != object_acl_policies_.end()) {
      return it->second;
    }
  }
  std::string json = AclPolicyJson(DecodeAcl(stored), /*object=*/true);
  std::shared_ptr<const auth::Policy> policy;
  if (!json.empty()) {
    auto parsed = auth::ParsePolicy(json, auth::PolicyKind::kResource);
    policy = parsed.ok() ? std::make_shared<const auth::Policy>(std::move(*parsed))
                         : DenyAllPolicy();
  }
  std::lock_guard lock(mutex_);
  if (object_acl_policies_.size() >= kMaxCachedBuckets) object_acl_policies_.clear();
  object_acl_policies_.emplace(std::move(stored), policy);
  return policy;
}

std::shared_ptr<const auth::Policy> BucketAccess::PolicyFor(
    std::string_view action, std::string_view resource, const auth::Principal& principal) const {
  std::string_view bucket = BucketOfArn(resource);
  if (bucket.empty()) return nullptr;
  std::shared_ptr<const Entry> entry = Get(bucket);
  // RestrictPublicBuckets: a public policy grants nothing to callers outside the account.
  const bool restricted =
      entry->is_public && entry->state.block.restrict_public_buckets && principal.anonymous;
  if (!entry->acls_apply) return restricted ? nullptr : entry->policy;
  std::shared_ptr<const auth::Policy> policy = restricted ? entry->acl_policy : entry->joined;
  std::string_view key = ObjectKeyOfArn(resource);
  if (key.empty() || !ReadsObjectAcl(action)) return policy;
  return Join(policy, ObjectAclPolicy(bucket, key));
}

BucketAclState BucketAccess::AclStateOf(std::string_view bucket) const {
  return Get(bucket)->state;
}

void BucketAccess::Changed(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (auto it = cache_.find(bucket); it != cache_.end()) cache_.erase(it);
}

}  // namespace evoke::s3
