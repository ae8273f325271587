// What one password scheme's verify function takes and concludes: the
// password_verify member of Dovecot 2.3.19's struct password_scheme
// (src/auth/password-scheme.h), which returns 1, 0 or -1 with an error.
// password_scheme.cpp keeps the scheme table and calls these functions; the
// schemes that Dovecot implements in files of their own have a file pair
// here too (password_scheme_crypt, password_scheme_pbkdf2,
// password_scheme_scram).
#pragma once

#include "core/password_scheme.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace loginref {

// The login being checked against one stored password.
struct Attempt {
  std::string_view plaintext;
  std::string_view raw; // stored data after password_decode()
  std::string_view user;
};

// What one scheme's verify function concludes: match, mismatch, or error
// (Dovecot's -1, logged as "Invalid password in passdb: <error>").
struct Verdict {
  VerifyOutcome outcome;
  std::string error;
};

// Dovecot's 1 (match) or 0 (mismatch).
inline Verdict matched_if(bool equal) {
  return {equal ? VerifyOutcome::match : VerifyOutcome::mismatch, {}};
}

// Dovecot's -1 with `error`.
inline Verdict broken(std::string error) { return {VerifyOutcome::error, std::move(error)}; }

} // namespace loginref
