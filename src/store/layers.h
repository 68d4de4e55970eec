// The layer repository: Lambda layer versions as records, their archives as blobs. Versions of
// a name are numbered from 1 and never reused. A deleted version that a function still names
// stays (marked deleted) so that the function keeps running with it, and goes once no function
// names it, as Lambda keeps its copy. Reads take any transaction; writes a job's WriteTxn.
// Used by the Lambda layer actions and, for mounting layers, by the sandboxes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

struct LayerVersionRecord {
  std::string name;
  int64_t version = 0;
  std::string arn;          // arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION
  std::string config_json;  // as the Lambda module serializes a layer version's settings
  std::string code_blob;    // the zip archive
  std::string code_sha256;  // base64, as Lambda reports CodeSha256
  uint64_t code_size = 0;
  int64_t created_ms = 0;
  bool deleted = false;  // DeleteLayerVersion ran, but a function still names it
};

class LayerRepository {
 public:
  virtual ~LayerRepository() = default;

  // A layer version by name and number, deleted ones included (check `deleted`): what a sandbox
  // mounts for a function configured with it. nullopt when it never existed or is gone for good.
  virtual Result<std::optional<LayerVersionRecord>> GetLayerVersion(ReadTxn& t,
                                                                    std::string_view name,
                                                                    int64_t version) = 0;
  // The versions of a layer that are not deleted, newest first, with version < `below` (0: no
  // bound), at most `limit`.
  virtual Result<std::vector<LayerVersionRecord>> ListLayerVersions(ReadTxn& t,
                                                                    std::string_view name,
                                                                    int64_t below,
                                                                    size_t limit) = 0;
  // Names with at least one version that is not deleted, name > after, in order, at most
  // `limit`.
  virtual Result<std::vector<std::string>> ListLayerNames(ReadTxn& t, std::string_view after,
                                                          size_t limit) = 0;

  // Stores `layer` (its name, config, code and time) as the name's next version; fills in its
  // version and its ARN (`layer_arn` + ":" + version) and returns it.
  virtual Result<LayerVersionRecord> PublishLayerVersion(WriteTxn& t, LayerVersionRecord layer,
                                                         std::string_view layer_arn) = 0;
  // Deletes a version (nothing when it does not exist). Its archive goes after the commit
  // unless a function still names it; then it is only marked deleted (and goes when the last
  // function naming it changes).
  virtual Status DeleteLayerVersion(WriteTxn& t, std::string_view name, int64_t version) = 0;
};

}  // namespace evoke::store
