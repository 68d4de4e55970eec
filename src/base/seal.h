// Authenticated encryption of small messages (session tokens): AES-256-GCM with a random
// 96-bit nonce. A sealed message is nonce || ciphertext || 16-byte tag; opening checks the tag,
// so a message changed by a single bit, or sealed under another key or with other associated
// data, does not open. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace evoke {

inline constexpr size_t kSealKeyBytes = 32;

// `key` must be kSealKeyBytes long. `associated` is authenticated, not encrypted.
std::string Seal(std::string_view key, std::string_view plaintext, std::string_view associated);
// nullopt when the message is too short, was changed, or was sealed otherwise.
std::optional<std::string> Open(std::string_view key, std::string_view sealed,
                                std::string_view associated);

}  // namespace evoke
