// Result<T>: a value or an Error, in the shape of std::expected. Errors cross module
// boundaries as values; each API module maps Error::code to its wire status and spelling.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace evoke {

// An error as a value. `code` is the AWS error code spelled verbatim where one applies
// ("NoSuchKey", "SignatureDoesNotMatch"); `message` is the human text sent to clients.
// `details` are extra named values an API renders beside the message (S3's <Key>,
// <BucketName>, <StringToSign>...).
struct Error {
  std::string code;
  std::string message;
  std::vector<std::pair<std::string, std::string>> details;

  Error& With(std::string name, std::string value) {
    details.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

inline Error MakeError(std::string code, std::string message) {
  return Error{std::move(code), std::move(message), {}};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // By value from a temporary, so `for (auto& x : *F())` does not iterate a dead object.
  T operator*() && { return std::move(value()); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace evoke
