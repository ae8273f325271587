// The PBKDF2 scheme as Dovecot 2.3.19's src/auth/password-scheme-pbkdf2.c
// verifies it: "$1$<salt>$<rounds>$<hex>", PBKDF2-HMAC-SHA1 of the
// password and the salt with a 20-byte key (pbkdf2() of digest.hpp).
#pragma once

#include "core/password_scheme_verify.hpp"

namespace loginref {

// pbkdf2_verify with Dovecot's errors: "Invalid PBKDF2 passdb entry prefix"
// without "$1$", "... format" unless there are three fields and the rounds
// are an unsigned int, "PBKDF2 hash not 160bit hex-encoded". More than
// INT_MAX rounds is loginref's own error. 0 rounds matches a hash of 40
// '0's, whatever the password, as in Dovecot.
Verdict verify_pbkdf2(const Attempt& attempt);

} // namespace loginref
