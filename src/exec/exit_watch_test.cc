#include "exec/exit_watch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <optional>

namespace evoke::exec {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// A wait that throws fails the test loudly instead of vanishing with a detached coroutine.
void RethrowIfFailed(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

Process SpawnSleeper() {
  SpawnSpec spec;
  spec.argv = {"/bin/sleep", "30"};
  spec.working_dir = "/";
  auto process = Process::Spawn(HostSupport{}, spec);
  EXPECT_TRUE(process.ok());
  return std::move(*process);
}

TEST(AwaitExit, ReturnsTheStatusOnceTheProcessEnds) {
  asio::io_context io;
  Process process = SpawnSleeper();
  std::optional<int> status;
  asio::co_spawn(io, [&]() -> Task<void> { status = co_await AwaitExit(io, process); },
                 RethrowIfFailed);
  io.run_for(100ms);
  EXPECT_FALSE(status);
  process.Kill();
  io.run_for(5s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
}

// A listening socket the server closed stays in its epoll set while a forked child holds a
// copy (Asio removes only descriptors it was handed, not those it opened), and Asio hands its
// bookkeeping to the next descriptor it registers: the pidfd. A connection to the closed
// listener, as a sandbox's runtime makes to its Runtime API, then wakes the pidfd's wait with
// the process still running.
TEST(AwaitExit, ReadinessOfAClosedListenerIsNotTakenForTheExit) {
  asio::io_context io;
  Process process = SpawnSleeper();
  tcp::acceptor listener(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const tcp::endpoint address = listener.local_endpoint();
  // Holds copies of every descriptor, as a child forked for a sandbox does until it execs.
  pid_t holder = ::fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    ::pause();
    ::_exit(0);
  }
  listener.close();

  std::optional<int> status;
  asio::co_spawn(io, [&]() -> Task<void> { status = co_await AwaitExit(io, process); },
                 RethrowIfFailed);
  io.run_for(50ms);
  tcp::socket client(io);
  client.connect(address);
  io.run_for(300ms);
  EXPECT_FALSE(status) << "the wait ended while the process still runs";

  process.Kill();
  io.run_for(5s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status));
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
}

}  // namespace
}  // namespace evoke::exec
