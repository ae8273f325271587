// The schemes checked with crypt(3): MD5-CRYPT, BLF-CRYPT, CRYPT and the
// self-tested DES-CRYPT, SHA256-CRYPT and SHA512-CRYPT, as Dovecot 2.3.19's
// src/auth/password-scheme-crypt.c and password-scheme-md5crypt.c verify
// them. Hashes come from libxcrypt's crypt_r/crypt_rn, which Debian's
// Dovecot calls too; nothing here implements a hash.
#pragma once

#include "core/password_scheme_verify.hpp"

#include <string_view>

namespace loginref {

// MD5-CRYPT (md5_crypt_verify): the salt is what follows "$1$" up to the
// next '$', at most 8 characters. A stored value not starting with "$1$"
// never matches. An error when libxcrypt refuses the salt (Dovecot's own
// md5crypt accepts any salt bytes).
Verdict verify_md5_crypt(const Attempt& attempt);

// BLF-CRYPT (crypt_verify_blowfish): "$2<a-z>$nn$" and a 22-character salt,
// else the error "Password is not blowfish password". An empty value never
// matches.
Verdict verify_blf_crypt(const Attempt& attempt);

// CRYPT, DES-CRYPT, SHA256-CRYPT and SHA512-CRYPT (crypt_verify): "$2?$..."
// goes to verify_blf_crypt, anything else to the system crypt(), so any
// algorithm libxcrypt knows matches. An empty or unusable setting never
// matches.
Verdict verify_crypt(const Attempt& attempt);

// Whether Dovecot would register `scheme` ("DES-CRYPT", "SHA256-CRYPT" or
// "SHA512-CRYPT"): password_scheme_register_crypt() adds each only if the
// system crypt() reproduces a sample hash. The self-tests run once per
// process. False for any other name.
bool crypt_scheme_registered(std::string_view scheme);

} // namespace loginref
