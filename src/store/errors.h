// The store's errors: a small vocabulary of its own, never an AWS code (docs/store.md). Each
// names the kind of record it is about ("bucket", "upload", "function", ...) and the record's
// name, so an API module can answer NoSuchBucket or ResourceNotFoundException where it calls the
// store. Any other code from the store is an internal failure. Pure.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace evoke::store {

inline constexpr std::string_view kNotFound = "store.NotFound";
inline constexpr std::string_view kAlreadyExists = "store.AlreadyExists";
inline constexpr std::string_view kNotEmpty = "store.NotEmpty";        // a bucket with objects
inline constexpr std::string_view kUnavailable = "store.Unavailable";  // shutting down
inline constexpr std::string_view kConflict = "store.Conflict";  // e.g. a lease no longer held
inline constexpr std::string_view kInternal = "InternalError";

Error NotFound(std::string_view entity, std::string_view name);
Error AlreadyExists(std::string_view entity, std::string_view name);
Error NotEmpty(std::string_view entity, std::string_view name);
Error Conflict(std::string_view entity, std::string_view name);
Error Internal(std::string message);

// Whether `error` is the store's `code` about a record of kind `entity`.
bool Is(const Error& error, std::string_view code, std::string_view entity);
// The record's name an error of the store's carries ("" when none).
std::string NameOf(const Error& error);

}  // namespace evoke::store
