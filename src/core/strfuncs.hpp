// The string and number helpers of Dovecot 2.3.19's src/lib that the parts
// of %-expansion (expand.cpp, expand_field.cpp, expand_hash.cpp,
// expand_if.cpp, auth_var_table.cpp) and the password schemes
// (password_scheme*.cpp) share: C strings that end at the first NUL,
// ASCII-only case (i_tolower, i_toupper, strcasecmp; src/lib/compat.h,
// strfuncs.c), t_strsplit (strfuncs.c) and str_to_uintmax/str_to_intmax
// (src/lib/strnum.c).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace loginref {

// Dovecot works on C strings: whatever follows a NUL is invisible to it.
inline std::string_view c_string(std::string_view text) { return text.substr(0, text.find('\0')); }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// strcasecmp(a, b) == 0: equal but for ASCII case.
bool iequals(std::string_view a, std::string_view b);

// t_strsplit(text, separator) with one separator: the fields between the
// separators, empty ones kept, but an empty `text` has no fields at all.
// The fields point into `text`.
std::vector<std::string_view> split_fields(std::string_view text, char separator);

// str_to_uintmax (src/lib/strnum.c): digits only, no sign, no overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

// str_to_intmax: an optional '-', then str_to_uintmax, within intmax_t.
std::optional<std::int64_t> parse_signed(std::string_view text);

} // namespace loginref
