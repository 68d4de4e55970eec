#include "app/config.h"

#include <charconv>

namespace evoke::app {
namespace {

Error Usage(std::string message) { return MakeError("Usage", std::move(message)); }

bool ParseInt(const std::string& s, int64_t lo, int64_t hi, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= lo && *out <= hi;
}

}  // namespace

std::string UsageText() {
  return R"(evoke: a self-hosted serverless platform in one binary (S3, Lambda, events, logs).

usage:
  evoke server [options]   run the server
  evoke --help             this text
  evoke --version          the version

server options:
  --data-dir DIR       where evoke keeps everything (default ./evoke-data)
  --listen HOST:PORT   address to serve on (default 127.0.0.1:9000; port 0 picks a free one)
  --region NAME        the AWS region evoke answers as (default us-east-1)
  --account-id ID      the 12-digit account id in ARNs (default 000000000000)
  --threads N          I/O threads (default: one per core)
  --access-log WHERE   "-" for stdout (default), "off", or a file to append to
  --domain NAME        host name whose subdomains are virtual-hosted buckets
                       (default localhost; repeat for several)
  --concurrency-limit N      concurrent function executions in the account (default 1000)
  --sandbox-idle-seconds N   stop a warm sandbox after N idle seconds (default 300)
  --async-concurrency N      asynchronous invocations running at once (default 64)
  --public-access-block-default on|off
                             on (default): new buckets block public access and have ACLs
                             disabled (BucketOwnerEnforced), as AWS's have since April 2023,
                             so a public bucket policy or ACL is refused until the bucket's
                             block is removed; off: new buckets have no block and accept
                             ACLs, for scripts and tools written before 2023
  --record-metrics on|off    on (default): evoke records its own CloudWatch metrics
                             (AWS/Lambda, AWS/S3, AWS/Events, AWS/Scheduler, functions'
                             Embedded Metric Format lines); off: it records none, for
                             measuring what recording costs (PutMetricData still works)
  --metrics-token-file PATH  GET /_evoke/metrics (Prometheus) then wants the header
                             "Authorization: Bearer TOKEN", TOKEN being the file's text;
                             without it the endpoint is open to anyone who reaches the port
  --test-clock               for tests: serve POST /_evoke/test/clock, which moves the clock of
                             schedules and retry delays forward

root credentials come from EVOKE_ACCESS_KEY_ID and EVOKE_SECRET_ACCESS_KEY; without them the
first start generates a pair and keeps it in DATA_DIR/credentials (aws CLI format, mode 0600).
)";
}

Result<Command> ParseCommandLine(const std::vector<std::string>& args) {
  Command cmd;
  if (args.empty()) return Usage("missing command; try evoke --help");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return cmd;
  if (args[0] == "--version" || args[0] == "version") {
    cmd.kind = Command::Kind::kVersion;
    return cmd;
  }
  if (args[0] != "server") return Usage("unknown command '" + args[0] + "'; try evoke --help");
  cmd.kind = Command::Kind::kServer;
  ServerConfig& c = cmd.server;
  bool domains_given = false;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string name = args[i], value;
    size_t eq = name.find('=');
    if (name.starts_with("--") && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (name == "--help" || name == "-h") {
      cmd.kind = Command::Kind::kHelp;
      return cmd;
    } else if (name == "--test-clock") {
      c.test_clock = true;
      continue;
    } else {
      if (i + 1 >= args.size()) return Usage("option " + name + " needs a value");
      value = args[++i];
    }
    int64_t n = 0;
    if (name == "--data-dir") {
      if (value.empty()) return Usage("--data-dir needs a directory");
      c.data_dir = value;
    } else if (name == "--listen") {
      size_t colon = value.rfind(':');
      if (colon == std::string::npos || !ParseInt(value.substr(colon + 1), 0, 65535, &n)) {
        return Usage("--listen takes HOST:PORT, e.g. 127.0.0.1:9000");
      }
      c.host = value.substr(0, colon);
      if (c.host.size() > 2 && c.host.front() == '[' && c.host.back() == ']') {
        c.host = c.host.substr(1, c.host.size() - 2);
      }
      c.port = static_cast<uint16_t>(n);
    } else if (name == "--region") {
      c.region = value;
    } else if (name == "--account-id") {
      if (value.size() != 12 || !ParseInt(value, 0, 999999999999, &n)) {
        return Usage("--account-id takes 12 digits");
      }
      c.account_id = value;
    } else if (name == "--threads") {
      if (!ParseInt(value, 1, 256, &n)) return Usage("--threads takes a number from 1 to 256");
      c.threads = static_cast<int>(n);
    } else if (name == "--access-log") {
      c.access_log = value;
    } else if (name == "--domain") {
      if (!domains_given) c.domains.clear();
      domains_given = true;
      c.domains.push_back(value);
    } else if (name == "--concurrency-limit") {
      if (!ParseInt(value, 1, 100000, &n)) {
        return Usage("--concurrency-limit takes a number from 1 to 100000");
      }
      c.concurrency_limit = static_cast<int>(n);
    } else if (name == "--sandbox-idle-seconds") {
      if (!ParseInt(value, 1, 86400, &n)) {
        return Usage("--sandbox-idle-seconds takes a number from 1 to 86400");
      }
      c.sandbox_idle_seconds = static_cast<int>(n);
    } else if (name == "--async-concurrency") {
      if (!ParseInt(value, 1, 10000, &n)) {
        return Usage("--async-concurrency takes a number from 1 to 10000");
      }
      c.async_concurrency = static_cast<int>(n);
    } else if (name == "--metrics-token-file") {
      if (value.empty()) return Usage("--metrics-token-file needs a file");
      c.metrics_token_file = value;
    } else if (name == "--record-metrics") {
      if (value != "on" && value != "off") return Usage("--record-metrics takes on or off");
      c.record_metrics = value == "on";
    } else if (name == "--public-access-block-default") {
      if (value != "on" && value != "off") {
        return Usage("--public-access-block-default takes on or off");
      }
      c.public_access_block_default = value == "on";
    } else {
      return Usage("unknown option " + name + "; try evoke --help");
    }
  }
  return cmd;
}

}  // namespace evoke::app
