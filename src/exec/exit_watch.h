// AwaitExit: waits, on an io_context, until a spawned process has exited, and reaps it.
//
// The wait is on the process's pidfd, and a readiness report is checked before it is believed:
// epoll can report readiness that belongs to another descriptor. Asio closes a socket it opened
// itself (a listener, such as a sandbox's Runtime API) without removing it from its epoll set,
// since the kernel does that once the last copy of the descriptor is closed, and reuses the
// socket's bookkeeping for the next descriptor it registers. While a child forked for another
// sandbox still holds copies of the server's descriptors, the closed socket's events therefore
// arrive as the pidfd's. (The child also closes them first thing; see Process::Spawn.)
#pragma once

#include "base/asio.h"
#include "exec/process.h"

namespace evoke::exec {

// The process's wait status, once it has exited. `process` must outlive the wait.
Task<int> AwaitExit(asio::io_context& home, Process& process);

}  // namespace evoke::exec
