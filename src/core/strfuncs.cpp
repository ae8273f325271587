// Dovecot 2.3.19's string and number helpers (src/lib/strfuncs.c,
// src/lib/strnum.c) as %-expansion and the password schemes use them.
#include "core/strfuncs.hpp"

#include <algorithm>
#include <limits>

namespace loginref {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

// t_strsplit(): empty fields are kept, but an empty string has no fields.
std::vector<std::string_view> split_fields(std::string_view text, char separator) {
  std::vector<std::string_view> fields;
  if (text.empty()) {
    return fields;
  }
  std::size_t start = 0;
  for (std::size_t end = text.find(separator); end != std::string_view::npos;
       end = text.find(separator, start)) {
    fields.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  fields.push_back(text.substr(start));
  return fields;
}

// str_to_uintmax (src/lib/strnum.c): digits only, no sign, no overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  for (char c : text) {
    if (!is_digit(c)) {
      return std::nullopt;
    }
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      return std::nullopt;
    }
    n = n * 10 + digit;
  }
  return n;
}

// str_to_intmax: an optional '-', then str_to_uintmax, within intmax_t.
std::optional<std::int64_t> parse_signed(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  std::optional<std::uint64_t> magnitude = parse_unsigned(negative ? text.substr(1) : text);
  const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!magnitude || *magnitude > limit + (negative ? 1 : 0)) {
    return std::nullopt;
  }
  if (negative) {
    return static_cast<std::int64_t>(0 - *magnitude);
  }
  return static_cast<std::int64_t>(*magnitude);
}

} // namespace loginref
