// AwaitCommit: a Committer job as a coroutine, for the API modules' I/O threads. The caller's
// coroutine resumes on its own executor once the job's batch has committed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/result.h"
#include "store/committer.h"

namespace evoke::store {

// Runs `apply` in the committer's next batch after syncing `fds` and `dirs`.
inline Task<Status> AwaitCommit(Committer& committer, std::vector<int> fds,
                                std::vector<std::string> dirs,
                                std::function<Status(WriteTxn&)> apply) {
  co_return co_await AwaitCallback<Status>([&](std::function<void(Status)> done) {
    committer.Submit(CommitJob{std::move(fds), std::move(dirs), std::move(apply), std::move(done)});
  });
}

}  // namespace evoke::store
