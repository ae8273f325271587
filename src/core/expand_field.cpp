// One %-field's format and modifiers (src/lib/var-expand.c of Dovecot
// 2.3.19: modifiers[] and var_expand_with_funcs). The code is our own;
// quirks are kept on purpose and commented where they happen.
#include "core/expand_field.hpp"

#include "core/digest.hpp"
#include "core/expand_hash.hpp"
#include "core/hex_binary.hpp"
#include "core/strfuncs.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace loginref {

namespace {

// loginref's own limit, not Dovecot's. Dovecot would happily pad to two
// gigabytes; a tester that is fed hostile templates must not.
constexpr std::int64_t k_max_padding = 65536;

std::string hex_number(std::uint64_t value) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), k_digits[value & 0x0f]);
    value >>= 4;
  } while (value != 0);
  return out;
}

// MD5 for the N and M modifiers (digest.hpp; Dovecot has its own
// implementation in src/lib/md5.c).
std::string md5_bytes(std::string_view data) { return digest(DigestMethod::md5, {data}); }

// Modifiers (var-expand.c: modifiers[]).

std::string modifier_lower(std::string_view value, FieldFormat&) {
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

std::string modifier_upper(std::string_view value, FieldFormat&) {
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(), ascii_upper);
  return out;
}

// str_escape (src/lib/strescape.h): backslash before " ' and \.
std::string modifier_escape(std::string_view value, FieldFormat&) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// m_str_hex: a decimal number in lowercase hex; anything else is 0.
std::string modifier_hex(std::string_view value, FieldFormat&) {
  return hex_number(parse_unsigned(value).value_or(0));
}

std::string modifier_reverse(std::string_view value, FieldFormat&) {
  return std::string(value.rbegin(), value.rend());
}

// Left-pads a hex number with zeros to the field's offset, which H and N
// use as a minimum length (and then reset, as Dovecot does).
std::string pad_to_offset(std::string hex, FieldFormat& format) {
  if (format.offset > k_max_padding) {
    format.over_limit = true;
  } else if (static_cast<std::int64_t>(hex.size()) < format.offset) {
    hex.insert(0, static_cast<std::size_t>(format.offset) - hex.size(), '0');
  }
  format.offset = 0;
  return hex;
}

// m_str_hash: str_hash (src/lib/hash.c), the width as modulus.
std::string modifier_hash(std::string_view value, FieldFormat& format) {
  std::uint32_t hash = 0;
  for (char c : value) {
    hash = (hash << 4) + static_cast<unsigned char>(c);
    const std::uint32_t high = hash & 0xf0000000U;
    if (high != 0) {
      hash ^= high >> 24;
      hash ^= high;
    }
  }
  if (format.width != 0) {
    hash %= static_cast<std::uint32_t>(format.width);
    format.width = 0;
  }
  return pad_to_offset(hex_number(hash), format);
}

// m_str_newhash: first 8 bytes of the MD5 as a big-endian number, modulo
// the width (Dovecot converts a negative width to a huge unsigned value),
// printed as its low 32 bits.
std::string modifier_new_hash(std::string_view value, FieldFormat& format) {
  const std::string digest = md5_bytes(value);
  std::uint64_t number = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    number = (number << 8) | static_cast<unsigned char>(digest[i]);
  }
  if (format.width != 0) {
    number %= static_cast<std::uint64_t>(static_cast<std::int64_t>(format.width));
    format.width = 0;
  }
  return pad_to_offset(hex_number(number & 0xffffffffU), format);
}

std::string modifier_md5(std::string_view value, FieldFormat&) { return to_hex(md5_bytes(value)); }

std::string modifier_ldap_dn(std::string_view value, FieldFormat&) {
  std::string out;
  for (char c : value) {
    if (c == '.') {
      out += ",dc=";
    } else {
      out += c;
    }
  }
  return out;
}

// m_str_trim: trailing i_isspace (C locale: space \t \n \v \f \r).
std::string modifier_trim(std::string_view value, FieldFormat&) {
  const std::size_t end = value.find_last_not_of(" \t\n\v\f\r");
  return std::string(end == std::string_view::npos ? std::string_view() : value.substr(0, end + 1));
}

struct ModifierEntry {
  char key;
  Modifier apply;
};

constexpr std::array<ModifierEntry, 10> k_modifiers = {{
    {'L', modifier_lower},
    {'U', modifier_upper},
    {'E', modifier_escape},
    {'X', modifier_hex},
    {'R', modifier_reverse},
    {'H', modifier_hash},
    {'N', modifier_new_hash},
    {'M', modifier_md5},
    {'D', modifier_ldap_dn},
    {'T', modifier_trim},
}};

// var-expand.c: MAX_MODIFIER_COUNT. An 11th modifier letter is read as the
// variable name.
constexpr std::size_t k_max_modifiers = 10;

Modifier find_modifier(char key) {
  for (const ModifierEntry& entry : k_modifiers) {
    if (entry.key == key) {
      return entry.apply;
    }
  }
  return nullptr;
}

// Field syntax: %[-][0]digits[.[0][-]digits]modifiers(key|{long key}).

char char_at(std::string_view text, std::size_t pos) {
  return pos < text.size() ? text[pos] : '\0';
}

// Digits accumulate in a C int in Dovecot; we wrap at 32 bits like it does
// in practice instead of overflowing.
std::uint32_t read_number(std::string_view text, std::size_t& pos) {
  std::uint32_t n = 0;
  while (is_digit(char_at(text, pos))) {
    n = n * 10 + static_cast<std::uint32_t>(text[pos] - '0');
    ++pos;
  }
  return n;
}

int signed_int(int sign, std::uint32_t n) {
  return static_cast<int>(static_cast<std::uint32_t>(sign) * n);
}

} // namespace

// Without a '.', the number is the width and a leading '-' is ignored.
// With one, the first number (signed) is the offset and the second the
// width, and only a '0' right after the '.' turns on zero padding.
FieldFormat parse_format(std::string_view text, std::size_t& pos) {
  FieldFormat format;
  int sign = 1;
  if (char_at(text, pos) == '-') {
    sign = -1;
    ++pos;
  }
  if (char_at(text, pos) == '0') {
    format.zero_padding = true;
    ++pos;
  }
  std::uint32_t number = read_number(text, pos);
  format.width = static_cast<int>(number);
  if (char_at(text, pos) != '.') {
    return format;
  }
  ++pos;
  format.offset = signed_int(sign, number);
  sign = 1;
  format.zero_padding = false;
  if (char_at(text, pos) == '0') {
    format.zero_padding = true;
    ++pos;
  }
  if (char_at(text, pos) == '-') {
    sign = -1;
    ++pos;
  }
  number = read_number(text, pos);
  format.width = signed_int(sign, number);
  return format;
}

std::vector<Modifier> parse_modifiers(std::string_view text, std::size_t& pos) {
  std::vector<Modifier> modifiers;
  while (modifiers.size() < k_max_modifiers) {
    Modifier modifier = find_modifier(char_at(text, pos));
    if (modifier == nullptr) {
      break;
    }
    modifiers.push_back(modifier);
    ++pos;
  }
  return modifiers;
}

// Finds the '}' closing the '{' at `open`, counting nested braces and
// skipping backslash-escaped characters. Returns text.size() if there is
// none: Dovecot then takes the rest of the string as the key.
std::size_t find_closing_brace(std::string_view text, std::size_t open) {
  int depth = 1;
  bool escaped = false;
  for (std::size_t pos = open + 1; pos < text.size(); ++pos) {
    if (escaped) {
      escaped = false;
    } else if (text[pos] == '\\') {
      escaped = true;
    } else if (text[pos] == '{') {
      ++depth;
    } else if (text[pos] == '}' && --depth == 0) {
      return pos;
    }
  }
  return text.size();
}

// The tail of var_expand_with_funcs: offset first (negative keeps the last
// N bytes), then width (negative drops the last N; zero padding pads and
// never truncates).
void append_with_format(std::string& dest, std::string_view value, FieldFormat& format) {
  if (format.offset < 0) {
    const std::uint64_t from_end =
        static_cast<std::uint64_t>(-static_cast<std::int64_t>(format.offset));
    if (value.size() > from_end) {
      value.remove_prefix(value.size() - from_end);
    }
  } else {
    value.remove_prefix(std::min(value.size(), static_cast<std::size_t>(format.offset)));
  }
  if (format.width == 0) {
    dest += value;
  } else if (!format.zero_padding) {
    // Dovecot computes strlen - (-width) in size_t and stores it in an int;
    // a result below zero becomes a huge size_t, so the whole value is kept
    // ("%.-5u" of "abc" is "abc", while "%.-3u" is "").
    std::int64_t width = format.width;
    if (width < 0) {
      width += static_cast<std::int64_t>(value.size());
    }
    dest += width < 0 ? value : value.substr(0, static_cast<std::size_t>(width));
  } else {
    const std::int64_t padding = format.width - static_cast<std::int64_t>(value.size());
    if (padding > k_max_padding) {
      format.over_limit = true;
    } else if (padding > 0) {
      dest.append(static_cast<std::size_t>(padding), '0');
    }
    dest += value;
  }
}

} // namespace loginref
