// SCRAM passwords as Dovecot 2.3.19 verifies them
// (src/auth/password-scheme-scram.c, scram_verify). The code is our own.
#include "core/password_scheme_scram.hpp"

#include "core/base64.hpp"
#include "core/strfuncs.hpp"

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loginref {

// "iterations,salt,StoredKey,ServerKey" (RFC 5802); only StoredKey is needed
// to check a plaintext password.
Verdict verify_scram(DigestMethod method, std::string_view scheme, const Attempt& attempt) {
  const std::string name(scheme);
  const std::vector<std::string_view> fields = split_fields(c_string(attempt.raw), ',');
  if (fields.size() != 4) {
    return broken("Invalid " + name + " passdb entry format");
  }
  // str_to_uint(), then SCRAM_MIN_ITERATE_COUNT (4096) to
  // SCRAM_MAX_ITERATE_COUNT (INT_MAX).
  const std::optional<std::uint64_t> iterations = parse_unsigned(fields[0]);
  if (!iterations || *iterations < 4096 || *iterations > INT_MAX) {
    return broken("Invalid " + name + " iteration count in passdb");
  }
  const std::size_t digest_length = digest_size(method);
  const std::optional<std::string> stored_key = base64_decode(fields[2]);
  if (!stored_key || stored_key->size() != digest_length) {
    return broken("Invalid " + name + " StoredKey in passdb");
  }
  const std::optional<std::string> server_key = base64_decode(fields[3]);
  if (!server_key || server_key->size() != digest_length) {
    return broken("Invalid " + name + " ServerKey in passdb");
  }
  // 4096..INT_MAX iterations: pbkdf2 cannot refuse them.
  const std::string salted = pbkdf2(method, attempt.plaintext, base64_decode_lenient(fields[1]),
                                    static_cast<unsigned int>(*iterations), digest_length)
                                 .value_or(std::string(digest_length, '\0'));
  const std::string client_key = hmac(method, salted, "Client Key");
  return matched_if(timing_safe_equal(digest(method, {client_key}), *stored_key));
}

} // namespace loginref
