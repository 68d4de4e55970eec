// The test clock's endpoint: on a server started with --test-clock, POST /_evoke/test/clock
// with {"advanceSeconds": N} moves the events clock (schedules, retry delays, event ages) N
// seconds forward and answers {"nowMs": ...}. Tests prove an hourly schedule in seconds with it.
#pragma once

#include "base/asio.h"
#include "base/clock.h"
#include "http/exchange.h"

namespace evoke::app {

Task<void> HandleTestClock(http::Exchange& ex, AdjustableClock& clock);

}  // namespace evoke::app
