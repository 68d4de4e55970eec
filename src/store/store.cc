// The backend-independent parts of the store's interfaces: typed errors, blocking writes, whole
// blob reads.
#include <future>

#include "store/blob_store.h"
#include "store/errors.h"
#include "store/txn.h"

namespace evoke::store {
namespace {

Error StoreError(std::string_view code, std::string_view entity, std::string_view name,
                 std::string_view what) {
  return MakeError(std::string(code),
                   std::string(entity) + " " + std::string(name) + " " + std::string(what))
      .With("entity", std::string(entity))
      .With("name", std::string(name));
}

std::string Detail(const Error& error, std::string_view key) {
  for (const auto& [k, v] : error.details) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

Error NotFound(std::string_view entity, std::string_view name) {
  return StoreError(kNotFound, entity, name, "does not exist");
}

Error AlreadyExists(std::string_view entity, std::string_view name) {
  return StoreError(kAlreadyExists, entity, name, "already exists");
}

Error NotEmpty(std::string_view entity, std::string_view name) {
  return StoreError(kNotEmpty, entity, name, "is not empty");
}

Error Conflict(std::string_view entity, std::string_view name) {
  return StoreError(kConflict, entity, name, "was changed by someone else");
}

Error Internal(std::string message) {
  return MakeError(std::string(kInternal), std::move(message));
}

bool Is(const Error& error, std::string_view code, std::string_view entity) {
  return error.code == code && Detail(error, "entity") == entity;
}

std::string NameOf(const Error& error) { return Detail(error, "name"); }

Status Transactions::WriteBlocking(std::function<Status(WriteTxn&)> apply) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Submit(WriteJob{{}, std::move(apply), [&promise](Status s) { promise.set_value(std::move(s)); }});
  return future.get();
}

Result<std::string> ReadWholeBlob(const BlobReader& reader, uint64_t size) {
  std::string data(size, '\0');
  auto got = reader.ReadAt(data.data(), size, 0);
  if (!got.ok()) return std::move(got).error();
  if (*got != size) return Internal("a stored blob is shorter than recorded");
  return data;
}

}  // namespace evoke::store
