// The one header that configures and includes Boost.Asio for evoke. Every translation unit
// that needs Asio includes this, never Asio directly. Task<T> is evoke's coroutine type.
#pragma once

// Boost 1.74's Asio coroutine headers use std::exchange without including <utility>; GCC 12's
// standard library no longer pulls it in transitively.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>

namespace evoke {

namespace asio = boost::asio;

template <class T = void>
using Task = asio::awaitable<T>;

// Suspends the calling coroutine until `submit`'s callback is called, from any thread, and
// resumes it on its own executor with the value. `submit` receives a
// std::function<void(T)> that must be called exactly once. Until then the wait counts as
// outstanding work, so the coroutine's io_context keeps running.
template <class T, class Submit>
Task<T> AwaitCallback(Submit submit) {
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
      [&submit](auto handler) {
        auto executor = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        submit(std::function<void(T)>([shared, executor](T value) mutable {
          asio::post(executor, [shared, v = std::move(value)]() mutable {
            (*shared)(std::move(v));
          });
        }));
      },
      asio::use_awaitable);
}

}  // namespace evoke
