// Root credentials: from EVOKE_ACCESS_KEY_ID / EVOKE_SECRET_ACCESS_KEY, else from
// DATA_DIR/credentials, else generated on first start and saved there (aws CLI format,
// readable by the owner only).
#pragma once

#include <string>

#include "base/result.h"

namespace evoke::app {

struct RootCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  bool generated = false;   // made on this start: tell the user once
  std::string file;         // where they are kept, when they are kept
};

Result<RootCredentials> LoadRootCredentials(const std::string& data_dir);

}  // namespace evoke::app
