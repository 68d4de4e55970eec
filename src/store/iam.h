// The IAM repository: IAM's entities (users, groups, roles, customer managed policies, access
// keys) as JSON documents the identity module models, keyed by kind and name (docs/identity.md,
// docs/store.md). A document is read and written whole: IAM entities are small, and the module
// changes one in a transaction with what goes with it (a user and its access keys). Reads take
// any transaction; writes a job's WriteTxn. Used by the identity module.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct IamRecord {
  std::string kind;      // "user", "group", "role", "policy", "access-key"
  std::string name;      // the key within its kind
  std::string document;  // JSON
};

class IamRepository {
 public:
  virtual ~IamRepository() = default;

  virtual Result<std::optional<std::string>> GetIamEntity(ReadTxn& t, std::string_view kind,
                                                          std::string_view name) = 0;
  // Entities of a kind with name > after, in name order, at most `limit`.
  virtual Result<std::vector<IamRecord>> ListIamEntities(ReadTxn& t, std::string_view kind,
                                                         std::string_view after,
                                                         size_t limit) = 0;
  // Inserts or replaces.
  virtual Status PutIamEntity(WriteTxn& t, std::string_view kind, std::string_view name,
                              std::string_view document) = 0;
  // False when there was none.
  virtual Result<bool> DeleteIamEntity(WriteTxn& t, std::string_view kind,
                                       std::string_view name) = 0;
};

}  // namespace evoke::store
