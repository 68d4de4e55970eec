#include "iam/directory.h"

#include <cstdlib>

#include "base/hash.h"
#include "base/time_format.h"
#include "iam/aws_managed_policies.h"
#include "store/write.h"

namespace evoke::iam {
namespace {

// The kind that keeps an AWS managed policy's attachment count in this account.
constexpr std::string_view kAwsPolicyUse = "aws-policy-use";

template <typename T>
Result<std::optional<T>> Find(store::IamRepository& repo, store::ReadTxn& t,
                              std::string_view kind, std::string_view key,
                              Result<T> (*read)(std::string_view)) {
  auto doc = repo.GetIamEntity(t, kind, key);
  if (!doc.ok()) return std::move(doc).error();
  if (!doc->has_value()) return std::optional<T>();
  auto value = read(**doc);
  if (!value.ok()) return std::move(value).error();
  return std::optional<T>(std::move(*value));
}

template <typename T>
Result<std::vector<T>> List(store::IamRepository& repo, store::ReadTxn& t,
                            std::string_view kind, std::string_view after, size_t limit,
                            Result<T> (*read)(std::string_view)) {
  auto records = repo.ListIamEntities(t, kind, after, limit);
  if (!records.ok()) return std::move(records).error();
  std::vector<T> out;
  out.reserve(records->size());
  for (const store::IamRecord& r : *records) {
    auto value = read(r.document);
    if (!value.ok()) return std::move(value).error();
    out.push_back(std::move(*value));
  }
  return out;
}

Error NoSuch(std::string_view what, std::string_view name) {
  return MakeError("NoSuchEntity",
                   "The " + std::string(what) + " with name " + std::string(name) +
                       " cannot be found.");
}

// A stable id for an AWS managed policy: IAM's ANPA prefix and characters of its name's hash.
std::string AwsPolicyId(std::string_view name) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = Sha256("aws-managed-policy:" + std::string(name));
  std::string id = "ANPA";
  for (size_t i = 0; id.size() < 21; ++i) {
    id += kAlphabet[static_cast<unsigned char>(digest[i]) % 32];
  }
  return id;
}

int64_t IsoMs(std::string_view iso) {
  return ParseIso8601Ms(iso).value_or(0);
}

ManagedPolicy AwsPolicy(const AwsManagedPolicyData& d) {
  ManagedPolicy p;
  p.name = std::string(d.name);
  p.path = std::string(d.path);
  p.id = AwsPolicyId(d.name);
  p.arn = "arn:aws:iam::aws:policy" + p.path + p.name;
  p.description = std::string(d.description);
  p.created_ms = IsoMs(d.created);
  p.updated_ms = IsoMs(d.updated);
  p.default_version = std::string(d.version);
  p.versions.push_back({p.default_version, std::string(d.document), p.updated_ms});
  p.aws_managed = true;
  return p;
}

}  // namespace

std::string PolicyKey(std::string_view name) { return NameKey(name); }

Directory::Directory(std::string account_id, store::Transactions& txns,
                     store::IamRepository& repo, const Clock& clock)
    : account_id_(std::move(account_id)), txns_(txns), repo_(repo), clock_(clock) {}

Task<Status> Directory::Commit(std::function<Status(store::WriteTxn&)> apply) {
  // Built before the co_await: GCC 12 mishandles temporaries inside a co_await's operand.
  std::function<Status(store::WriteTxn&)> job = [this, &apply](store::WriteTxn& t) {
    Status s = apply(t);
    if (s.ok()) {
      t.AfterCommit([this] { generation_.fetch_add(1, std::memory_order_acq_rel); });
    }
    return s;
  };
  Status s = co_await store::Write(txns_, std::move(job));
  co_return s;
}

Status Directory::CommitBlocking(std::function<Status(store::WriteTxn&)> apply) {
  return txns_.WriteBlocking([this, apply = std::move(apply)](store::WriteTxn& t) {
    Status s = apply(t);
    if (s.ok()) {
      t.AfterCommit([this] { generation_.fetch_add(1, std::memory_order_acq_rel); });
    }
    return s;
  });
}

Result<std::optional<User>> Directory::FindUser(store::ReadTxn& t, std::string_view name) const {
  return Find<User>(repo_, t, kUser, NameKey(name), UserFromJson);
}

Result<std::optional<Group>> Directory::FindGroup(store::ReadTxn& t,
                                                  std::string_view name) const {
  return Find<Group>(repo_, t, kGroup, NameKey(name), GroupFromJson);
}

Result<std::optional<Role>> Directory::FindRole(store::ReadTxn& t, std::string_view name) const {
  return Find<Role>(repo_, t, kRole, NameKey(name), RoleFromJson);
}

Result<std::optional<AccessKey>> Directory::FindAccessKey(store::ReadTxn& t,
                                                          std::string_view id) const {
  return Find<AccessKey>(repo_, t, kAccessKey, id, AccessKeyFromJson);
}

Result<std::optional<ManagedPolicy>> Directory::FindPolicy(store::ReadTxn& t,
                                                           std::string_view arn) const {
  std::optional<PolicyArnParts> parts = ParsePolicyArn(arn);
  if (!parts) return std::optional<ManagedPolicy>();
  if (parts->account == "aws") {
    for (const AwsManagedPolicyData& d : AwsManagedPolicyDocuments()) {
      if (d.name != parts->name || d.path != parts->path) continue;
      ManagedPolicy p = AwsPolicy(d);
      auto use = repo_.GetIamEntity(t, kAwsPolicyUse, p.name);
      if (!use.ok()) return std::move(use).error();
      if (use->has_value()) p.attachment_count = std::atoi((*use)->c_str());
      return std::optional<ManagedPolicy>(std::move(p));
    }
    return std::optional<ManagedPolicy>();
  }
  if (parts->account != account_id_) return std::optional<ManagedPolicy>();
  auto p = Find<ManagedPolicy>(repo_, t, kPolicy, PolicyKey(parts->name), PolicyFromJson);
  if (!p.ok() || !p->has_value()) return p;
  if ((*p)->arn != arn) return std::optional<ManagedPolicy>();
  return p;
}

Result<User> Directory::GetUser(store::ReadTxn& t, std::string_view name) const {
  auto u = FindUser(t, name);
  if (!u.ok()) return std::move(u).error();
  if (!u->has_value()) return NoSuch("user", name);
  return std::move(**u);
}

Result<Group> Directory::GetGroup(store::ReadTxn& t, std::string_view name) const {
  auto g = FindGroup(t, name);
  if (!g.ok()) return std::move(g).error();
  if (!g->has_value()) return NoSuch("group", name);
  return std::move(**g);
}

Result<Role> Directory::GetRole(store::ReadTxn& t, std::string_view name) const {
  auto r = FindRole(t, name);
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) return NoSuch("role", name);
  return std::move(**r);
}

Result<std::vector<User>> Directory::ListUsers(store::ReadTxn& t, std::string_view after,
                                               size_t limit) const {
  return List<User>(repo_, t, kUser, after, limit, UserFromJson);
}

Result<std::vector<Group>> Directory::ListGroups(store::ReadTxn& t, std::string_view after,
                                                 size_t limit) const {
  return List<Group>(repo_, t, kGroup, after, limit, GroupFromJson);
}

Result<std::vector<Role>> Directory::ListRoles(store::ReadTxn& t, std::string_view after,
                                               size_t limit) const {
  return List<Role>(repo_, t, kRole, after, limit, RoleFromJson);
}

Result<std::vector<ManagedPolicy>> Directory::ListPolicies(store::ReadTxn& t,
                                                           std::string_view after,
                                                           size_t limit) const {
  return List<ManagedPolicy>(repo_, t, kPolicy, after, limit, PolicyFromJson);
}

Result<std::vector<ManagedPolicy>> Directory::AwsManagedPolicies(store::ReadTxn& t) const {
  std::vector<ManagedPolicy> out;
  for (const AwsManagedPolicyData& d : AwsManagedPolicyDocuments()) {
    ManagedPolicy p = AwsPolicy(d);
    auto use = repo_.GetIamEntity(t, kAwsPolicyUse, p.name);
    if (!use.ok()) return std::move(use).error();
    if (use->has_value()) p.attachment_count = std::atoi((*use)->c_str());
    out.push_back(std::move(p));
  }
  return out;
}

Status Directory::Put(store::WriteTxn& t, const User& u) const {
  return repo_.PutIamEntity(t, kUser, NameKey(u.name), ToJson(u));
}

Status Directory::Put(store::WriteTxn& t, const Group& g) const {
  return repo_.PutIamEntity(t, kGroup, NameKey(g.name), ToJson(g));
}

Status Directory::Put(store::WriteTxn& t, const Role& r) const {
  return repo_.PutIamEntity(t, kRole, NameKey(r.name), ToJson(r));
}

Status Directory::Put(store::WriteTxn& t, const AccessKey& k) const {
  return repo_.PutIamEntity(t, kAccessKey, k.id, ToJson(k));
}

Status Directory::Put(store::WriteTxn& t, const ManagedPolicy& p) const {
  if (p.aws_managed) {
    if (p.attachment_count == 0) return Remove(t, kAwsPolicyUse, p.name);
    return repo_.PutIamEntity(t, kAwsPolicyUse, p.name, std::to_string(p.attachment_count));
  }
  return repo_.PutIamEntity(t, kPolicy, PolicyKey(p.name), ToJson(p));
}

Status Directory::Remove(store::WriteTxn& t, std::string_view kind, std::string_view key) const {
  auto removed = repo_.DeleteIamEntity(t, kind, key);
  if (!removed.ok()) return std::move(removed).error();
  return {};
}

}  // namespace evoke::iam
