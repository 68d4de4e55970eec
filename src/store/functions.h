// The function repository: Lambda functions as records (their configuration, resource policy,
// reserved concurrency and event invoke configuration), their code packages as blobs
// (docs/store.md). Reads take any transaction; writes a job's WriteTxn. Used by the Lambda
// module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct FunctionRecord {
  std::string name;
  std::string config_json;  // the configuration, as the Lambda module serializes it
  std::string code_blob;    // the zip package
  std::string code_sha256;  // base64, as Lambda reports CodeSha256
  uint64_t code_size = 0;
  std::string revision_id;
  int64_t modified_ms = 0;
  std::optional<int> reserved_concurrency;  // PutFunctionConcurrency; none when unreserved
  // Written only by their own setters (SetFunctionPolicy, SetEventInvokeConfig): CreateFunction
  // and ReplaceFunction leave them alone.
  std::string policy;               // the resource-based policy document; empty: none
  std::string event_invoke_config;  // as the Lambda module serializes it; empty: none
};

// What GetAccountSettings reports as AccountUsage.
struct CodeUsage {
  uint64_t function_count = 0;
  uint64_t total_code_size = 0;  // function packages and layer versions (deleted ones included
                                 // while functions still use them)
};

// NotFound "function" for a function that is gone, AlreadyExists "function" for a taken name.
class FunctionRepository {
 public:
  virtual ~FunctionRepository() = default;

  virtual Result<std::optional<FunctionRecord>> GetFunction(ReadTxn& t, std::string_view name) = 0;
  // Functions with name > after, in name order, at most `limit`.
  virtual Result<std::vector<FunctionRecord>> ListFunctions(ReadTxn& t, std::string_view after,
                                                            size_t limit) = 0;
  // Every function with a reserved concurrency, to restore the accounting at start-up.
  virtual Result<std::vector<std::pair<std::string, int>>> ListReservedConcurrency(ReadTxn& t) = 0;
  virtual Result<CodeUsage> GetCodeUsage(ReadTxn& t) = 0;

  virtual Status CreateFunction(WriteTxn& t, const FunctionRecord& function) = 0;
  // Rewrites an existing function's record; a package blob it no longer names goes after the
  // commit.
  virtual Status ReplaceFunction(WriteTxn& t, const FunctionRecord& function) = 0;
  // The package blob goes after the commit.
  virtual Status DeleteFunction(WriteTxn& t, std::string_view name) = 0;
  // Sets or (nullopt) removes the function's reserved concurrency.
  virtual Status SetReservedConcurrency(WriteTxn& t, std::string_view name,
                                        std::optional<int> reserved) = 0;
  // Replaces the function's resource-based policy (empty: removes it).
  virtual Status SetFunctionPolicy(WriteTxn& t, std::string_view name, std::string_view policy) = 0;
  // Replaces the function's event invoke configuration (empty: removes it).
  virtual Status SetEventInvokeConfig(WriteTxn& t, std::string_view name,
                                      std::string_view config) = 0;
};

}  // namespace evoke::store
