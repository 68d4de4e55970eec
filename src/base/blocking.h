// RunBlocking: a coroutine hands blocking work to a WorkerPool and resumes on its own executor
// with the result, so its I/O thread keeps serving other connections meanwhile.
#pragma once

#include <functional>
#include <utility>

#include "base/asio.h"
#include "base/result.h"
#include "base/worker_pool.h"

namespace evoke {

// `work` runs on one of `pool`'s threads; it must not touch the caller's thread-local state. R
// is a Result (or Status): an exception thrown by `work` comes back as an InternalError.
template <class R>
Task<R> RunBlocking(WorkerPool& pool, std::function<R()> work) {
  co_return co_await AwaitCallback<R>([&](std::function<void(R)> done) {
    pool.Post([work = std::move(work), done = std::move(done)] {
      R result = [&]() -> R {
        try {
          return work();
        } catch (const std::exception& e) {
          return R(MakeError("InternalError", e.what()));
        }
      }();
      done(std::move(result));
    });
  });
}

}  // namespace evoke
