// evoke's entry point: parses the command line and runs the command.
#include <cstdio>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/server_main.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cmd = evoke::app::ParseCommandLine(args);
  if (!cmd.ok()) {
    std::fprintf(stderr, "evoke: %s\n", cmd.error().message.c_str());
    return 2;
  }
  switch (cmd->kind) {
    case evoke::app::Command::Kind::kHelp:
      std::fputs(evoke::app::UsageText().c_str(), stdout);
      return 0;
    case evoke::app::Command::Kind::kVersion:
      std::printf("evoke %s\n", EVOKE_VERSION);
      return 0;
    case evoke::app::Command::Kind::kServer:
      return evoke::app::RunServer(cmd->server);
  }
  return 0;
}
