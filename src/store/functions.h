// The function repository: Lambda functions as records in the database, their code packages
// as blobs. Reads take any connection; writes take a Committer job's WriteTxn. The Lambda
// module sees only this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
};

Result<std::optional<FunctionRecord>> GetFunction(Connection& c, std::string_view name);
// Functions with name > after, in name order, at most `limit`.
Result<std::vector<FunctionRecord>> ListFunctions(Connection& c, std::string_view after,
                                                  size_t limit);

// ResourceConflictException when the name is taken.
Status CreateFunction(WriteTxn& t, const FunctionRecord& function);
// Rewrites an existing function's record (ResourceNotFoundException when it is gone); a package
// blob it no longer names goes after the commit.
Status ReplaceFunction(WriteTxn& t, const FunctionRecord& function);
// ResourceNotFoundException when it is gone; the package blob goes after the commit.
Status DeleteFunction(WriteTxn& t, std::string_view name);

}  // namespace evoke::store
