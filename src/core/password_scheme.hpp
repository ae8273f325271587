// Password verification for "{SCHEME}data" values, as Dovecot 2.3.19's
// src/auth/password-scheme*.c does it, on libxcrypt and OpenSSL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loginref {

enum class VerifyOutcome {
  match,
  mismatch,
  unknown_scheme, // Dovecot logs "Unknown scheme X"
  invalid_data,   // "Password data is not valid for scheme X: ..."
  error,          // "Invalid password in passdb: ..."
};

struct VerifyResult {
  VerifyOutcome outcome;
  std::string scheme;  // as written in the braces, e.g. "SHA512-CRYPT"
  std::string message; // Dovecot's log line for anything but match/mismatch
};

// Verifies `plaintext` against `stored`, which always carries a "{SCHEME}"
// prefix (passdb-sql adds default_pass_scheme when the column has none).
// `user` is the original username, used by DIGEST-MD5. Scheme names are
// case-insensitive; ".b64", ".base64" and ".hex" suffixes force the encoding.
// In 2.3.19 passdb-sql treats every outcome but `match` as a wrong password.
VerifyResult verify_password(std::string_view plaintext, std::string_view stored,
                             std::string_view user);

// The scheme names verify_password can verify, upper-case. DES-CRYPT,
// SHA256-CRYPT and SHA512-CRYPT appear only if the system crypt() passes a
// self-test (as Dovecot registers them). OTP, ARGON2I and ARGON2ID are known
// to Dovecot but not verified by loginref: they give unknown_scheme.
std::vector<std::string> supported_schemes();

} // namespace loginref
