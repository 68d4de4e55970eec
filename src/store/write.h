// Write: a WriteJob as a coroutine, for the API modules' I/O threads. The caller's coroutine
// resumes on its own executor once the job's fate is known (store/txn.h).
#pragma once

#include <functional>
#include <vector>

#include "base/asio.h"
#include "base/result.h"
#include "store/txn.h"

namespace evoke::store {

// Makes `blobs` durable, then applies and commits `apply`.
inline Task<Status> Write(Transactions& txns, std::vector<BlobWriter*> blobs,
                          std::function<Status(WriteTxn&)> apply) {
  co_return co_await AwaitCallback<Status>([&](std::function<void(Status)> done) {
    txns.Submit(WriteJob{std::move(blobs), std::move(apply), std::move(done)});
  });
}

inline Task<Status> Write(Transactions& txns, std::function<Status(WriteTxn&)> apply) {
  return Write(txns, {}, std::move(apply));
}

}  // namespace evoke::store
