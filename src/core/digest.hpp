// The hash primitives behind password schemes (password_scheme.cpp) and the
// hash functions of %-expansion (expand.cpp): digests, HMAC, PBKDF2 and the
// MD5 state CRAM-MD5 stores. Dovecot 2.3 has its own implementations
// (src/lib/md4.c, md5.c, sha1.c, sha2.c, sha3.c, hmac.c, pkcs5.c); loginref
// computes the same values with OpenSSL 3.
//
// libcrypto is not linked into loginref: digest.cpp loads libcrypto.so.3
// with dlopen() the first time one of these functions needs it, because
// loading it costs more than the rest of a `loginref test` run, and most runs
// (plaintext and crypt passwords, templates without hashes) never need it.
// Every function that needs it throws ConfigError, naming the Debian package,
// when libcrypto.so.3 cannot be loaded. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace loginref {

// The methods Dovecot 2.3's hash_methods[] (src/lib/hash-method.c) and its
// password schemes use.
enum class DigestMethod { md4, md5, sha1, sha256, sha384, sha512, sha3_256, sha3_512 };

// The output length in bytes: 16, 16, 20, 32, 48, 64, 32, 64. Does not load
// libcrypto.
std::size_t digest_size(DigestMethod method);

// The OpenSSL name, e.g. "SHA3-256", for messages.
std::string_view digest_name(DigestMethod method);

// False only when OpenSSL cannot compute `method`: MD4 when OpenSSL 3's
// "legacy" provider (ossl-modules/legacy.so) cannot be loaded. Loads
// libcrypto.
bool digest_available(DigestMethod method);

// method(parts[0] || parts[1] || ...), digest_size(method) bytes. Throws
// ConfigError if !digest_available(method).
std::string digest(DigestMethod method, std::initializer_list<std::string_view> parts);

// HMAC (RFC 2104), digest_size(method) bytes.
std::string hmac(DigestMethod method, std::string_view key, std::string_view data);

// PBKDF2 with HMAC-`method` (RFC 8018), `length` bytes. nullopt when OpenSSL
// refuses the parameters: 0 rounds, or more than INT_MAX rounds, bytes or
// input (OpenSSL's PKCS5_PBKDF2_HMAC takes ints).
std::optional<std::string> pbkdf2(DigestMethod method, std::string_view password,
                                  std::string_view salt, unsigned int rounds, std::size_t length);

// The MD5 chaining words A, B, C, D (each little-endian, 16 bytes) after
// MD5 has consumed the 64-byte `block`: half of what CRAM-MD5 and HMAC-MD5
// store (Dovecot's hmac_md5_get_cram_context). `block` must be 64 bytes.
std::string md5_state_after_block(std::string_view block);

// Dovecot's mem_equals_timing_safe(): the time taken depends only on the
// lengths. Does not load libcrypto (plaintext passwords use it).
bool timing_safe_equal(std::string_view a, std::string_view b);

} // namespace loginref
