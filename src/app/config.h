// The command line: `evoke server [options]`, `evoke --help`, `evoke --version`. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace evoke::app {

struct ServerConfig {
  std::string data_dir = "./evoke-data";
  std::string host = "127.0.0.1";
  uint16_t port = 9000;
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  int threads = 0;                 // 0: one per core
  std::string access_log = "-";    // "-": stdout, "off", or a file path
  std::vector<std::string> domains = {"localhost"};
  int concurrency_limit = 1000;    // the account's concurrent executions (Lambda's default)
  int sandbox_idle_seconds = 300;  // an idle warm sandbox is stopped after this
  int async_concurrency = 64;      // asynchronous invocations running at once
  bool public_access_block_default = true;  // new buckets block public access
  bool record_metrics = true;  // evoke's own CloudWatch metrics (--record-metrics)
  bool test_clock = false;         // serve /_evoke/test/clock (tests move schedules' time)
  std::string metrics_token_file;  // set: /_evoke/metrics wants this file's bearer token
};

struct Command {
  enum class Kind { kServer, kHelp, kVersion } kind = Kind::kHelp;
  ServerConfig server;
};

// Errors carry a message for the user (code "Usage").
Result<Command> ParseCommandLine(const std::vector<std::string>& args);
std::string UsageText();

}  // namespace evoke::app
