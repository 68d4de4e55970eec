// The pagination tokens of the CloudWatch Logs API. Pure; opaque to clients, but stable across
// restarts because they name places in the data, never server memory.
//   GetLogEvents:   "f/<timestamp>/<id>" events after that place; "b/<timestamp>/<id>" before it
//   FilterLogEvents "e/<timestamp>/<id>" events after the last one scanned
//   Describe*:      "n/" + base64 of the sort key of the last item returned
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/logs.h"

namespace evoke::observe {

struct EventToken {
  char direction = 'f';  // 'f' forward, 'b' backward, 'e' FilterLogEvents
  store::LogPosition position;
};

std::string EncodeEventToken(const EventToken& token);
std::optional<EventToken> DecodeEventToken(std::string_view text);

std::string EncodeNameToken(std::string_view key);
std::optional<std::string> DecodeNameToken(std::string_view text);

}  // namespace evoke::observe
