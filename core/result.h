#pragma once

// Errors cross module boundaries as values: a Result<T> holds either a value or an Error
// that names the file, line and cause. Exceptions never leave the layer that threw them.

#include <QString>

#include <utility>
#include <variant>

namespace strata {

struct Error
{
    QString message;   // what went wrong, in a sentence a user can act on
    QString file;      // the file it concerns, if any
    int line = 0;      // 1-based; 0 when unknown
    int column = 0;    // 1-based; 0 when unknown
    QString detail;    // e.g. the failing statement's text

    // "file:line:column: message" (parts that are unknown are left out).
    QString toString() const;
};

template <typename T>
class [[nodiscard]] Result final
{
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T* operator->() const { return &std::get<T>(m_state); }
    T* operator->() { return &std::get<T>(m_state); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// The result of an operation that yields nothing but success or an Error.
using Status = Result<std::monostate>;
inline Status success() { return std::monostate{}; }

} // namespace strata
