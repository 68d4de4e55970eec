// The function repository: Lambda functions as records in the database, their code packages
// as blobs. Reads take any connection; writes take a Committer job's WriteTxn. The Lambda
// module sees only this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/committer.h"
#include "store/sqlite.h"

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

Result<std::optional<FunctionRecord>> GetFunction(Connection& c, std::string_view name);
// Functions with name > after, in name order, at most `limit`.
Result<std::vector<FunctionRecord>> ListFunctions(Connection& c, std::string_view after,
                                                  size_t limit);

// Every function with a reserved concurrency, to restore the accounting at start-up.
Result<std::vector<std::pair<std::string, int>>> ListReservedConcurrency(Connection& c);
Result<CodeUsage> GetCodeUsage(Connection& c);

// ResourceConflictException when the name is taken.
Status CreateFunction(WriteTxn& t, const FunctionRecord& function);
// Rewrites an existing function's record (ResourceNotFoundException when it is gone); a package
// blob it no longer names goes after the commit.
Status ReplaceFunction(WriteTxn& t, const FunctionRecord& function);
// ResourceNotFoundException when it is gone; the package blob goes after the commit.
Status DeleteFunction(WriteTxn& t, std::string_view name);
// Sets or (nullopt) removes the function's reserved concurrency; ResourceNotFoundException
// when it is gone.
Status SetReservedConcurrency(WriteTxn& t, std::string_view name, std::optional<int> reserved);

// A function's resource-based policy: nullopt when the function does not exist, an empty
// string when it has no policy.
Result<std::optional<std::string>> GetFunctionPolicy(Connection& c, std::string_view name);
// Replaces it (empty: removes it). ResourceNotFoundException when the function is gone.
Status SetFunctionPolicy(WriteTxn& t, std::string_view name, std::string_view policy);

// Replaces the function's event invoke configuration (empty: removes it).
// ResourceNotFoundException when the function is gone.
Status SetEventInvokeConfig(WriteTxn& t, std::string_view name, std::string_view config);

}  // namespace evoke::store
