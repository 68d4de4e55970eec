#include "app/root_credentials.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/ids.h"

namespace evoke::app {
namespace {

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  size_t b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

Result<RootCredentials> LoadRootCredentials(const std::string& data_dir) {
  RootCredentials c;
  const char* id = std::getenv("EVOKE_ACCESS_KEY_ID");
  const char* secret = std::getenv("EVOKE_SECRET_ACCESS_KEY");
  if (id && secret && *id && *secret) {
    c.access_key_id = id;
    c.secret_access_key = secret;
    return c;
  }
  if ((id && *id) != (secret && *secret)) {
    return MakeError("Usage", "set both EVOKE_ACCESS_KEY_ID and EVOKE_SECRET_ACCESS_KEY, or neither");
  }
  c.file = data_dir + "/credentials";
  std::ifstream in(c.file);
  if (in) {
    std::string line;
    while (std::getline(in, line)) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string key = Trim(line.substr(0, eq)), value = Trim(line.substr(eq + 1));
      if (key == "aws_access_key_id") c.access_key_id = value;
      if (key == "aws_secret_access_key") c.secret_access_key = value;
    }
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return MakeError("InternalError", c.file + " has no aws_access_key_id / aws_secret_access_key");
    }
    return c;
  }
  c.access_key_id = NewAwsId("AKIA", 20);
  c.secret_access_key = NewSecretAccessKey();
  c.generated = true;
  std::string text = "[default]\naws_access_key_id = " + c.access_key_id +
                     "\naws_secret_access_key = " + c.secret_access_key + "\n";
  std::string tmp = c.file + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("InternalError", "cannot write " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), c.file.c_str()) != 0) {
    return MakeError("InternalError", "cannot write " + c.file);
  }
  return c;
}

}  // namespace evoke::app
