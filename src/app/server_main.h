// RunServer: the composition root. Opens the data directory and everything in it, wires the
// services to the HTTP server, serves until SIGINT or SIGTERM, and shuts down in order.
#pragma once

#include <cstdint>
#include <functional>

#include "app/config.h"

namespace evoke::app {

// For a test that runs the server in its own process (tests/integration): `listening` is called
// once the server accepts connections, with its port and a function that shuts it down as
// SIGTERM does (callable from any thread, once).
struct ServerHooks {
  std::function<void(uint16_t port, std::function<void()> stop)> listening;
};

int RunServer(const ServerConfig& config, const ServerHooks& hooks = {});

}  // namespace evoke::app
