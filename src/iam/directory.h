// The directory: the identity module's typed view of the IAM repository (users, groups, roles,
// customer managed policies, access keys), with the AWS managed policies beside them, and a
// generation every committed IAM change bumps, so the credential resolver and the authorizer
// know when what they cached is stale (docs/identity.md). Reads take any transaction; writes
// happen inside Commit's job. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/asio.h"
#include "base/clock.h"
#include "base/result.h"
#include "iam/model.h"
#include "store/iam.h"
#include "store/txn.h"

namespace evoke::iam {

class Directory {
 public:
  Directory(std::string account_id, store::Transactions& txns, store::IamRepository& repo,
            const Clock& clock);

  const std::string& account_id() const { return account_id_; }
  const Clock& clock() const { return clock_; }
  store::Transactions& txns() const { return txns_; }
  // Changes with every committed IAM write (read it before reading what it guards).
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Runs `apply` as one job; the generation moves on once it has committed.
  Task<Status> Commit(std::function<Status(store::WriteTxn&)> apply);
  // The same, waiting on the calling thread (start-up and tests).
  Status CommitBlocking(std::function<Status(store::WriteTxn&)> apply);

  // nullopt when there is none. Names compare without case, as IAM's do.
  Result<std::optional<User>> FindUser(store::ReadTxn& t, std::string_view name) const;
  Result<std::optional<Group>> FindGroup(store::ReadTxn& t, std::string_view name) const;
  Result<std::optional<Role>> FindRole(store::ReadTxn& t, std::string_view name) const;
  Result<std::optional<AccessKey>> FindAccessKey(store::ReadTxn& t, std::string_view id) const;
  // A managed policy by ARN: this account's (arn:aws:iam::ACCOUNT:policy/PATH/NAME) or an AWS
  // managed one (arn:aws:iam::aws:policy/PATH/NAME). The path must match as well as the name.
  Result<std::optional<ManagedPolicy>> FindPolicy(store::ReadTxn& t, std::string_view arn) const;

  // NoSuchEntity with IAM's message when there is none.
  Result<User> GetUser(store::ReadTxn& t, std::string_view name) const;
  Result<Group> GetGroup(store::ReadTxn& t, std::string_view name) const;
  Result<Role> GetRole(store::ReadTxn& t, std::string_view name) const;

  // Every entity of a kind in name order, at most `limit` after `after` (a NameKey).
  Result<std::vector<User>> ListUsers(store::ReadTxn& t, std::string_view after,
                                      size_t limit) const;
  Result<std::vector<Group>> ListGroups(store::ReadTxn& t, std::string_view after,
                                        size_t limit) const;
  Result<std::vector<Role>> ListRoles(store::ReadTxn& t, std::string_view after,
                                      size_t limit) const;
  // This account's policies (not the AWS managed ones).
  Result<std::vector<ManagedPolicy>> ListPolicies(store::ReadTxn& t, std::string_view after,
                                                  size_t limit) const;
  // The AWS managed policies, with their attachment counts in this account.
  Result<std::vector<ManagedPolicy>> AwsManagedPolicies(store::ReadTxn& t) const;

  Status Put(store::WriteTxn& t, const User& u) const;
  Status Put(store::WriteTxn& t, const Group& g) const;
  Status Put(store::WriteTxn& t, const Role& r) const;
  Status Put(store::WriteTxn& t, const AccessKey& k) const;
  // An AWS managed policy keeps only its attachment count.
  Status Put(store::WriteTxn& t, const ManagedPolicy& p) const;
  Status Remove(store::WriteTxn& t, std::string_view kind, std::string_view key) const;

 private:
  std::string account_id_;
  store::Transactions& txns_;
  store::IamRepository& repo_;
  const Clock& clock_;
  std::atomic<uint64_t> generation_{1};
};

// The repository key of a managed policy: its name without case (IAM allows one policy of a
// name per account, whatever its path).
std::string PolicyKey(std::string_view name);
// The name of a policy ARN of this account or of AWS, and its path; nullopt for another ARN.
using PolicyArnParts = IamArnParts;
inline std::optional<PolicyArnParts> ParsePolicyArn(std::string_view arn) {
  return ParseIamArn(arn, "policy");
}

}  // namespace evoke::iam
