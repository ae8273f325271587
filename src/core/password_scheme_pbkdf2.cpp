// PBKDF2 passwords as Dovecot 2.3.19 verifies them
// (src/auth/password-scheme-pbkdf2.c, pbkdf2_verify). The code is our own.
#include "core/password_scheme_pbkdf2.hpp"

#include "core/digest.hpp"
#include "core/hex_binary.hpp"
#include "core/strfuncs.hpp"

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loginref {

// "$1$salt$rounds$hex": PBKDF2-HMAC-SHA1 with a 20-byte key.
Verdict verify_pbkdf2(const Attempt& attempt) {
  const std::string_view stored = c_string(attempt.raw);
  if (!stored.starts_with("$1$")) {
    return broken("Invalid PBKDF2 passdb entry prefix");
  }
  const std::vector<std::string_view> fields = split_fields(stored.substr(3), '$');
  // str_to_uint(): str_to_uintmax within unsigned int.
  const std::optional<std::uint64_t> rounds =
      fields.size() == 3 ? parse_unsigned(fields[1]) : std::nullopt;
  if (!rounds || *rounds > UINT_MAX) {
    return broken("Invalid PBKDF2 passdb entry format");
  }
  const std::optional<std::string> expected = hex_to_binary(fields[2]);
  if (fields[2].size() != 40 || !expected) {
    return broken("PBKDF2 hash not 160bit hex-encoded");
  }
  if (*rounds > INT_MAX) {
    return broken("loginref supports at most " + std::to_string(INT_MAX) + " PBKDF2 rounds");
  }
  // With 0 rounds Dovecot's pkcs5_pbkdf() fails unchecked and the key stays
  // all zero bytes, so any password matches a hash of 40 '0's. (pbkdf2()
  // refuses 0 rounds, as OpenSSL does.)
  const std::string computed = pbkdf2(DigestMethod::sha1, attempt.plaintext, fields[0],
                                      static_cast<unsigned int>(*rounds), 20)
                                   .value_or(std::string(20, '\0'));
  return matched_if(timing_safe_equal(computed, *expected));
}

} // namespace loginref
