#include "exec/exit_watch.h"

#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>

namespace evoke::exec {

Task<int> AwaitExit(asio::io_context& home, Process& process) {
  // A duplicate, so closing the watch leaves the process's own descriptor alone.
  asio::posix::stream_descriptor pidfd(home, ::dup(process.pidfd()));
  for (;;) {
    boost::system::error_code ec;
    co_await pidfd.async_wait(asio::posix::stream_descriptor::wait_read,
                              asio::redirect_error(asio::use_awaitable, ec));
    int status = process.Reap();
    // A wait that fails (no descriptor, cancelled) ends the watch: the caller kills the process.
    if (status >= 0 || ec) co_return status;
  }
}

}  // namespace evoke::exec
