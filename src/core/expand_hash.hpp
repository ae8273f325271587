// The hash functions of %-expansion, %{method[;options]:variable} and
// %{pkcs5[;options]:variable}, as Dovecot 2.3.19's var_expand_hash
// (src/lib/var-expand.c) computes them: the methods of hash_methods[]
// (src/lib/hash-method.c), the option list (rounds, truncate, salt,
// format), the rounds of H(salt || digest) or PBKDF2, and the printing in hex
// or base64 (hex_binary.hpp, base64.hpp). Expander (expand.cpp) expands the
// variable and the salt template; the rest is here.
#pragma once

#include "core/digest.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace loginref {

// One entry of Dovecot's hash_methods[] (src/lib/hash-method.c).
struct HashMethod {
  std::string_view name;
  std::size_t digest_size;
  std::optional<DigestMethod> digest; // nullopt: "size"
};

// hash_method_lookup is case-sensitive (strcmp). nullptr for an unknown
// name.
const HashMethod* find_hash_method(std::string_view name);

// Whether `name` is a hash method's name but for ASCII case: how
// var_expand_try_extension matches it.
bool is_hash_method_name(std::string_view name);

struct HashOptions {
  unsigned rounds = 1;
  unsigned truncate_bits = 0;
  std::string salt;
  enum class Format { hex, hex_uppercase, base64 } format = Format::hex;
};

// What parse_hash_options found besides the options it set.
struct HashOptionsParse {
  // Dovecot's "Cannot parse hash arguments:..." (or loginref's limit on
  // rounds) when an option is invalid; var_expand_hash then fails.
  std::optional<std::string> error;
  // The value of salt=, a template: the caller expands it into
  // HashOptions::salt (Dovecot expands it where the option stands, and
  // "salt" ends the list).
  std::optional<std::string> salt_template;
};

// The option loop of var_expand_hash over `arguments` (what follows
// "method;"), setting `options`.
HashOptionsParse parse_hash_options(std::string_view arguments, const HashMethod& method,
                                    HashOptions& options);

// A hash as %{...} prints it, or Dovecot's message when it cannot be
// computed ("Cannot hash: ...").
struct HashResult {
  std::string value;
  std::optional<std::string> error;
};

// Hashes `input` with `method` (PBKDF2-HMAC-SHA256 if `pkcs5`) and
// `options`, truncates it and prints it in hex or base64.
HashResult hash_value(bool pkcs5, const HashMethod& method, const std::string& input,
                      const HashOptions& options);

} // namespace loginref
