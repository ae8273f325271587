// The SCRAM-SHA-1 and SCRAM-SHA-256 schemes as Dovecot 2.3.19's
// src/auth/password-scheme-scram.c verifies them against a plaintext
// password: "iterations,salt,StoredKey,ServerKey" (RFC 5802, base64 salt
// and keys).
#pragma once

#include "core/digest.hpp"
#include "core/password_scheme_verify.hpp"

#include <string_view>

namespace loginref {

// scram_verify for SCRAM-`method` (sha1 or sha256), `scheme` naming it in
// the errors: "Invalid <scheme> passdb entry format" unless there are four
// fields, "... iteration count in passdb" outside 4096..INT_MAX,
// "... StoredKey in passdb" / "... ServerKey in passdb" unless they are
// base64 of digest_size(method) bytes. A match when
// H(HMAC(PBKDF2(password, salt, iterations), "Client Key")) is StoredKey.
Verdict verify_scram(DigestMethod method, std::string_view scheme, const Attempt& attempt);

} // namespace loginref
