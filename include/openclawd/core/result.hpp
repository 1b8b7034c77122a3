#pragma once
// Result<T>: the value of an operation that can fail for reasons outside the
// program (a bad config, a libvirt or netlink error, a malformed packet).
// Programming errors assert instead. The error text names the input that was
// wrong and, where possible, the fix; callers add context with `context()`.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace openclawd {

struct Error {
  std::string message;

  // Prepends where the failure happened: "while starting gogcli: <message>".
  Error context(std::string_view where) const& {
    return Error{std::string(where) + ": " + message};
  }
};

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(failed_);
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

inline Status ok_status() {
  return Status{};
}

}  // namespace openclawd
