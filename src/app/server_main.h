// RunServer: the composition root. Opens the data directory and everything in it, wires the
// services to the HTTP server, serves until SIGINT or SIGTERM, and shuts down in order.
#pragma once

#include "app/config.h"

namespace evoke::app {

int RunServer(const ServerConfig& config);

}  // namespace evoke::app
