// Dovecot 2.3.19 variable expansion. Each function below names the Dovecot
// function whose behaviour it reproduces (src/lib/var-expand.c,
// src/lib/var-expand-if.c, src/auth/auth-request-var-expand.c); the code is
// our own. Quirks are kept on purpose and commented where they happen.
#include "core/expand.hpp"

#include "core/digest.hpp"

#include <regex.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

namespace loginref {

namespace {

// Dovecot's return convention for every expansion step: 1 expanded,
// 0 unknown variable, -1 error. A template's result is its worst field.
enum class Status : int { error = -1, unknown = 0, ok = 1 };

Status worst(Status a, Status b) { return static_cast<int>(a) < static_cast<int>(b) ? a : b; }

// loginref's own limits, not Dovecot's. Dovecot would happily pad to two
// gigabytes, hash four billion rounds or recurse until the stack ends; a
// tester that is fed hostile templates must not.
constexpr int k_max_depth = 64;
constexpr std::int64_t k_max_padding = 65536;
constexpr unsigned k_max_rounds = 100000;

// Dovecot works on C strings: whatever follows a NUL is invisible to it.
std::string_view c_string(std::string_view text) { return text.substr(0, text.find('\0')); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string to_hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const unsigned char byte = static_cast<unsigned char>(c);
    hex += k_digits[byte >> 4];
    hex += k_digits[byte & 0x0f];
  }
  return hex;
}

std::string to_base64(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    const std::size_t left = bytes.size() - i;
    if (left > 1) {
      group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    if (left > 2) {
      group |= static_cast<unsigned char>(bytes[i + 2]);
    }
    out += k_alphabet[(group >> 18) & 0x3f];
    out += k_alphabet[(group >> 12) & 0x3f];
    out += left > 1 ? k_alphabet[(group >> 6) & 0x3f] : '=';
    out += left > 2 ? k_alphabet[group & 0x3f] : '=';
  }
  return out;
}

std::string hex_number(std::uint64_t value) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), k_digits[value & 0x0f]);
    value >>= 4;
  } while (value != 0);
  return out;
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

// ---------------------------------------------------------------------------
// Digests (digest.hpp; Dovecot has its own implementations of the same
// algorithms in src/lib/md4.c, md5.c, sha1.c, sha2.c, sha3.c).

std::string md5_bytes(std::string_view data) { return digest(DigestMethod::md5, {data}); }

// One entry of Dovecot's hash_methods[] (src/lib/hash-method.c).
struct HashMethod {
  std::string_view name;
  std::size_t digest_size;
  std::optional<DigestMethod> digest; // nullopt: "size"
};

constexpr std::array<HashMethod, 9> k_hash_methods = {{
    {"md4", 16, DigestMethod::md4},
    {"md5", 16, DigestMethod::md5},
    {"sha1", 20, DigestMethod::sha1},
    {"sha256", 32, DigestMethod::sha256},
    {"sha384", 48, DigestMethod::sha384},
    {"sha512", 64, DigestMethod::sha512},
    {"sha3-256", 32, DigestMethod::sha3_256},
    {"sha3-512", 64, DigestMethod::sha3_512},
    // Not a digest: the 64-bit big-endian length of what was "hashed".
    // Dovecot registers it like the others, so %{size:user} works.
    {"size", 8, std::nullopt},
}};

// hash_method_lookup is case-sensitive (strcmp).
const HashMethod* find_hash_method(std::string_view name) {
  for (const HashMethod& method : k_hash_methods) {
    if (method.name == name) {
      return &method;
    }
  }
  return nullptr;
}

bool is_hash_method_name(std::string_view name) {
  return std::any_of(k_hash_methods.begin(), k_hash_methods.end(),
                     [name](const HashMethod& m) { return iequals(m.name, name); });
}

// nullopt when OpenSSL cannot compute the digest (MD4 unavailable).
std::optional<std::string> hash_once(const HashMethod& method, std::string_view data) {
  if (!method.digest) {
    std::string out(8, '\0');
    const std::uint64_t size = data.size();
    for (int i = 0; i < 8; ++i) {
      out[static_cast<std::size_t>(i)] = static_cast<char>((size >> (56 - 8 * i)) & 0xff);
    }
    return out;
  }
  if (!digest_available(*method.digest)) {
    return std::nullopt;
  }
  return digest(*method.digest, {data});
}

// buffer_truncate_rshift_bits (src/lib/buffer.c): keep the first `bits`
// bits, right-aligned as a big-endian number.
void truncate_rshift_bits(std::string& buffer, std::size_t bits) {
  if (buffer.size() * 8 < bits) {
    return;
  }
  const std::size_t bytes = (bits + 7) / 8;
  const unsigned shift = static_cast<unsigned>(bits % 8);
  buffer.resize(std::min(bytes, buffer.size()));
  if (shift == 0 || buffer.empty()) {
    return;
  }
  for (std::size_t i = buffer.size() - 1; i > 0; --i) {
    const unsigned char cur = static_cast<unsigned char>(buffer[i]);
    const unsigned char prev = static_cast<unsigned char>(buffer[i - 1]);
    buffer[i] = static_cast<char>((cur >> (8 - shift)) | ((prev << shift) & 0xff));
  }
  buffer[0] = static_cast<char>(static_cast<unsigned char>(buffer[0]) >> (8 - shift));
}

// ---------------------------------------------------------------------------
// Modifiers (var-expand.c: modifiers[]). They see the per-field offset and
// width because H and N consume them.

struct FieldFormat {
  int offset = 0;
  int width = 0;
  bool zero_padding = false;
  bool over_limit = false; // loginref: a padding request beyond k_max_padding
};

using Modifier = std::string (*)(std::string_view, FieldFormat&);

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

// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// %{if;lhs;op;rhs;then[;else]} (src/lib/var-expand-if.c).

// wildcard_match (src/lib/wildcard-match.c): '*' and '?' only, whole string.
bool wildcard_match(std::string_view data, std::string_view mask) {
  std::size_t d = 0;
  std::size_t m = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_data = 0;
  while (d < data.size()) {
    if (m < mask.size() && (mask[m] == '?' || mask[m] == data[d])) {
      ++d;
      ++m;
    } else if (m < mask.size() && mask[m] == '*') {
      star = m++;
      star_data = d;
    } else if (star != std::string_view::npos) {
      m = star + 1;
      d = ++star_data;
    } else {
      return false;
    }
  }
  while (m < mask.size() && mask[m] == '*') {
    ++m;
  }
  return m == mask.size();
}

struct Comparison {
  bool result = false;
  std::optional<std::string> error;
};

// regcomp(REG_EXTENDED) + regexec, as Dovecot does; the pattern is not
// anchored.
Comparison regex_match(const std::string& lhs, const std::string& pattern) {
  regex_t regex;
  const int code = regcomp(&regex, pattern.c_str(), REG_EXTENDED);
  if (code != 0) {
    char message[256];
    regerror(code, &regex, message, sizeof(message));
    return {false, "if: regex failed: " + std::string(message)};
  }
  const bool matched = regexec(&regex, lhs.c_str(), 0, nullptr, 0) == 0;
  regfree(&regex);
  return {matched, std::nullopt};
}

std::optional<bool> compare_numbers(std::int64_t a, std::string_view op, std::int64_t b) {
  if (op == "==") {
    return a == b;
  }
  if (op == "<") {
    return a < b;
  }
  if (op == "<=") {
    return a <= b;
  }
  if (op == ">") {
    return a > b;
  }
  if (op == ">=") {
    return a >= b;
  }
  if (op == "!=") {
    return a != b;
  }
  return std::nullopt;
}

// strcmp order (std::string compares bytes as unsigned char, like strcmp).
std::optional<bool> compare_strings(const std::string& a, std::string_view op,
                                    const std::string& b) {
  const int order = a.compare(b);
  if (op == "eq") {
    return order == 0;
  }
  if (op == "lt") {
    return order < 0;
  }
  if (op == "le") {
    return order <= 0;
  }
  if (op == "gt") {
    return order > 0;
  }
  if (op == "ge") {
    return order >= 0;
  }
  if (op == "ne") {
    return order != 0;
  }
  if (op == "*") {
    return wildcard_match(a, b);
  }
  if (op == "!*") {
    return !wildcard_match(a, b);
  }
  return std::nullopt;
}

// var_expand_if_comp.
Comparison compare(const std::string& lhs, const std::string& op, const std::string& rhs) {
  const bool numeric =
      op == "==" || op == "<" || op == "<=" || op == ">" || op == ">=" || op == "!=";
  if (numeric) {
    const std::optional<std::int64_t> a = parse_signed(lhs);
    if (!a) {
      return {false, "if: " + lhs + " (lhs) is not a number"};
    }
    const std::optional<std::int64_t> b = parse_signed(rhs);
    if (!b) {
      return {false, "if: " + rhs + " (rhs) is not a number"};
    }
    return {compare_numbers(*a, op, *b).value_or(false), std::nullopt};
  }
  if (op == "~" || op == "!~") {
    Comparison match = regex_match(lhs, rhs);
    match.result = match.result != (op == "!~");
    return match;
  }
  const std::optional<bool> result = compare_strings(lhs, op, rhs);
  if (!result) {
    return {false, "if: Unsupported comparator '" + op + "'"};
  }
  return {*result, std::nullopt};
}

// The parameter splitter of var_expand_if. Quirks kept: a backslash makes
// the next character literal and is itself dropped, so "\\\\" yields no
// backslash at all; once a '%' is seen, the next '{' anywhere opens a
// nested expansion; an unescaped ':' at top level ends the parameters; an
// empty last parameter is not counted.
std::vector<std::string> split_if_parameters(std::string_view text) {
  std::vector<std::string> parameters;
  std::string current;
  bool escaped = false;
  bool maybe_variable = false;
  unsigned depth = 0;
  for (char c : text) {
    if (c == '\\') {
      escaped = true;
      continue;
    }
    if (escaped) {
      current += c;
      escaped = false;
      continue;
    }
    if (c == '%') {
      maybe_variable = true;
    } else if (maybe_variable && c == '{') {
      ++depth;
      maybe_variable = false;
    } else if (depth > 0 && c == '}') {
      --depth;
    } else if (depth == 0 && c == ';') {
      parameters.push_back(std::move(current));
      current.clear();
      continue;
    } else if (depth == 0 && c == ':') {
      break;
    }
    current += c;
  }
  if (!current.empty()) {
    parameters.push_back(std::move(current));
  }
  return parameters;
}

// ---------------------------------------------------------------------------
// The auth request table (auth_request_get_var_expand_table_full).

// Where an entry's value comes from. The table is a constant list of
// names; a value is computed (and escaped) only when a template asks for
// it: building all ~50 values for every login cost more than the rest of
// an audit's lookup (bench/README.md).
enum class Source : unsigned char {
  empty, // NULL in Dovecot's table: printed as ""
  user,
  username,
  domain,
  service,
  local_ip,
  remote_ip,
  pid,
  password,
  passdb_id,
  mech,
  secured,
  local_port,
  remote_port,
  cert,
  login_user,
  login_username,
  login_domain,
  session,
  real_local_ip,
  real_remote_ip,
  real_local_port,
  real_remote_port,
  domain_first,
  domain_last,
  master_user,
  orig_user,
  orig_username,
  orig_domain,
  auth_user,
  auth_username,
  auth_domain,
  local_name,
  client_id,
};

struct TableEntry {
  char key;              // '\0': long name only
  std::string_view name; // "": short key only (%!)
  Source source;
};

// auth_request_get_var_expand_table_full, in its order (a key or name is
// found at its first entry). Values that are escaped: user parts,
// service, password, mechanism, session, master user, local_name,
// client_id. Not escaped: IPs, ports, pid, %!, %c, %k.
constexpr TableEntry k_table[] = {
    {'u', "user", Source::user},
    {'n', "username", Source::username},
    {'d', "domain", Source::domain},
    {'s', "service", Source::service},
    {'h', "home", Source::empty}, // a passdb lookup has no home directory
    {'l', "lip", Source::local_ip},
    {'r', "rip", Source::remote_ip},
    {'p', "pid", Source::pid},
    {'w', "password", Source::password},
    {'!', "", Source::passdb_id},
    {'m', "mech", Source::mech},
    {'c', "secured", Source::secured},
    {'a', "lport", Source::local_port},
    {'b', "rport", Source::remote_port},
    {'k', "cert", Source::cert},
    {'\0', "login_user", Source::login_user},
    {'\0', "login_username", Source::login_username},
    {'\0', "login_domain", Source::login_domain},
    {'\0', "session", Source::session},
    {'\0', "real_lip", Source::real_local_ip},
    {'\0', "real_rip", Source::real_remote_ip},
    {'\0', "real_lport", Source::real_local_port},
    {'\0', "real_rport", Source::real_remote_port},
    {'\0', "domain_first", Source::domain_first},
    {'\0', "domain_last", Source::domain_last},
    {'\0', "master_user", Source::master_user},
    {'\0', "session_pid", Source::empty}, // no session process during login
    {'\0', "orig_user", Source::orig_user},
    {'\0', "orig_username", Source::orig_username},
    {'\0', "orig_domain", Source::orig_domain},
    {'\0', "auth_user", Source::auth_user},
    {'\0', "auth_username", Source::auth_username},
    {'\0', "auth_domain", Source::auth_domain},
    {'\0', "local_name", Source::local_name},
    {'\0', "client_id", Source::client_id},
    // Aliases, with the same values as their originals.
    {'\0', "local_ip", Source::local_ip},
    {'\0', "remote_ip", Source::remote_ip},
    {'\0', "local_port", Source::local_port},
    {'\0', "remote_port", Source::remote_port},
    {'\0', "real_local_ip", Source::real_local_ip},
    {'\0', "real_remote_ip", Source::real_remote_ip},
    {'\0', "real_local_port", Source::real_local_port},
    {'\0', "real_remote_port", Source::real_remote_port},
    {'\0', "mechanism", Source::mech},
    {'\0', "original_user", Source::orig_user},
    {'\0', "original_username", Source::orig_username},
    {'\0', "original_domain", Source::orig_domain},
};

std::string_view before_at(std::string_view name) { return name.substr(0, name.find('@')); }

// i_strchr_to_next(name, '@'): what follows the first '@', or nothing.
std::optional<std::string_view> after_first_at(std::string_view name) {
  const std::size_t at = name.find('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return name.substr(at + 1);
}

std::optional<std::string_view> after_last_at(std::string_view name) {
  const std::size_t at = name.rfind('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return name.substr(at + 1);
}

// A value Dovecot passes through escape_func when building the table (a C
// string: it ends at the first NUL, before and after escaping).
std::string escaped(const Escaper& escape, std::string_view value) {
  return std::string(c_string(escape(c_string(value))));
}

// Dovecot leaves a NULL (printed as "") where the value is absent and
// escapes only present values.
std::string escaped_optional(const Escaper& escape, std::optional<std::string_view> value) {
  return value ? escaped(escape, *value) : std::string();
}

std::string plain(std::string_view value) { return std::string(c_string(value)); }

// The parts of a name split at its first '@' (user, username, domain), as
// the orig_*, auth_* and login_* entries have them.
enum class Part { user, username, domain };
std::string user_part(const Escaper& escape, std::string_view name, Part part) {
  switch (part) {
  case Part::user:
    return escaped(escape, name);
  case Part::username:
    return escaped(escape, before_at(name));
  case Part::domain:
    return escaped_optional(escape, after_first_at(name));
  }
  return {};
}

std::string table_value(Source source, const AuthVars& vars, const Escaper& escape) {
  const std::string_view user = vars.user;
  // %{orig_user} falls back to the current user when none was recorded.
  const std::string_view original = vars.original_user.empty() ? user : vars.original_user;
  const std::string_view auth = vars.master_user.empty() ? original : vars.master_user;
  switch (source) {
  case Source::empty:
    return {};
  case Source::user:
    return user_part(escape, user, Part::user);
  case Source::username:
    return user_part(escape, user, Part::username);
  case Source::domain:
    return user_part(escape, user, Part::domain);
  case Source::service:
    return escaped(escape, vars.service);
  case Source::local_ip:
    return plain(vars.local_ip);
  case Source::remote_ip:
    return plain(vars.remote_ip);
  case Source::pid:
    return plain(vars.pid);
  case Source::password:
    return escaped(escape, vars.password);
  case Source::passdb_id:
    return std::to_string(vars.passdb_id);
  case Source::mech:
    return escaped(escape, vars.mech);
  case Source::secured:
    return plain(vars.secured);
  case Source::local_port:
    return std::to_string(vars.local_port);
  case Source::remote_port:
    return std::to_string(vars.remote_port);
  case Source::cert:
    return plain(vars.cert);
  // The login_* names exist (with NULL values) even without a login user.
  case Source::login_user:
    return vars.login_user.empty() ? std::string() : user_part(escape, vars.login_user, Part::user);
  case Source::login_username:
    return vars.login_user.empty() ? std::string()
                                   : user_part(escape, vars.login_user, Part::username);
  case Source::login_domain:
    return vars.login_user.empty() ? std::string()
                                   : user_part(escape, vars.login_user, Part::domain);
  case Source::session:
    return escaped(escape, vars.session);
  case Source::real_local_ip:
    return plain(vars.real_local_ip);
  case Source::real_remote_ip:
    return plain(vars.real_remote_ip);
  case Source::real_local_port:
    return std::to_string(vars.real_local_port);
  case Source::real_remote_port:
    return std::to_string(vars.real_remote_port);
  case Source::domain_first: {
    const std::optional<std::string_view> domain = after_first_at(user);
    return escaped_optional(escape, domain ? std::optional<std::string_view>(before_at(*domain))
                                           : std::nullopt);
  }
  case Source::domain_last:
    return escaped_optional(escape, after_last_at(user));
  case Source::master_user:
    return escaped(escape, vars.master_user);
  case Source::orig_user:
    return user_part(escape, original, Part::user);
  case Source::orig_username:
    return user_part(escape, original, Part::username);
  case Source::orig_domain:
    return user_part(escape, original, Part::domain);
  case Source::auth_user:
    return user_part(escape, auth, Part::user);
  case Source::auth_username:
    return user_part(escape, auth, Part::username);
  case Source::auth_domain:
    return user_part(escape, auth, Part::domain);
  case Source::local_name:
    return escaped(escape, vars.local_name);
  case Source::client_id:
    return escaped(escape, vars.client_id);
  }
  return {};
}

// ---------------------------------------------------------------------------
// The expander: var_expand_with_funcs with auth's table and function table.

struct HashOptions {
  unsigned rounds = 1;
  unsigned truncate_bits = 0;
  std::string salt;
  enum class Format { hex, hex_uppercase, base64 } format = Format::hex;
};

class Expander {
public:
  Expander(const AuthVars& vars, const Escaper& escape) : m_vars(vars), m_escape(escape) {}

  Expansion run(std::string_view tmpl);

private:
  Status expand_template(std::string& dest, std::string_view tmpl);
  std::size_t expand_field(std::string& dest, std::string_view tmpl, std::size_t pos,
                           Status& result);
  Status expand_short(char key, std::string& value);
  Status expand_long(std::string_view key, std::string& value);
  Status expand_extension(std::string_view key, std::string_view data, std::string& value);
  Status expand_function(std::string_view key, std::string_view data, std::string& value);
  Status expand_hash(std::string_view key, std::string_view field, std::string& value);
  Status parse_hash_options(std::string_view arguments, const HashMethod& method,
                            HashOptions& options);
  Status compute_hash(bool pkcs5, const HashMethod& method, const std::string& input,
                      const HashOptions& options, std::string& raw);
  Status expand_if(std::string_view key, std::string_view field, std::string& value);
  std::string field_value(const std::map<std::string, std::string>& fields,
                          std::string_view data) const;
  Status fail(Status status, std::string message);
  void set_error(std::string message);

  const AuthVars& m_vars;
  const Escaper& m_escape;
  // Dovecot's *error_r: the last message set, reset by every nested
  // var_expand_with_funcs (if-parameters, salt).
  std::optional<std::string> m_error;
  // The first message ever set: used when Dovecot fails but has left
  // *error_r NULL (it would log "(null)").
  std::optional<std::string> m_first_error;
  int m_depth = 0;
};

// Counts nesting so hostile templates cannot exhaust the stack.
class DepthGuard {
public:
  explicit DepthGuard(int& depth) : m_depth(depth) { ++m_depth; }
  ~DepthGuard() { --m_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  bool too_deep() const { return m_depth > k_max_depth; }

private:
  int& m_depth;
};

void Expander::set_error(std::string message) {
  if (!m_first_error) {
    m_first_error = message;
  }
  m_error = std::move(message);
}

Status Expander::fail(Status status, std::string message) {
  set_error(std::move(message));
  return status;
}

Expansion Expander::run(std::string_view tmpl) {
  Expansion expansion;
  expansion.text.reserve(tmpl.size() + 64);
  const Status status = expand_template(expansion.text, c_string(tmpl));
  if (status != Status::ok) {
    expansion.error = m_error ? *m_error : m_first_error.value_or("expansion failed");
  }
  return expansion;
}

Status Expander::expand_template(std::string& dest, std::string_view tmpl) {
  DepthGuard guard(m_depth);
  if (guard.too_deep()) {
    return fail(Status::error, "template nested more than 64 levels deep (loginref's limit)");
  }
  m_error.reset();
  Status result = Status::ok;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    if (tmpl[pos] != '%') {
      // The literal text up to the next '%', in one append.
      const std::size_t next = std::min(tmpl.find('%', pos), tmpl.size());
      dest.append(tmpl.substr(pos, next - pos));
      pos = next;
    } else {
      pos = expand_field(dest, tmpl, pos + 1, result);
    }
  }
  return result;
}

// One %-field starting after the '%'. Returns where scanning continues.
std::size_t Expander::expand_field(std::string& dest, std::string_view tmpl, std::size_t pos,
                                   Status& result) {
  FieldFormat format = parse_format(tmpl, pos);
  const std::vector<Modifier> modifiers = parse_modifiers(tmpl, pos);
  if (pos >= tmpl.size()) {
    return pos; // a trailing '%' (with any flags) is dropped silently
  }
  std::string value;
  Status status;
  if (tmpl[pos] == '{' && tmpl.find('}', pos) != std::string_view::npos) {
    const std::size_t close = find_closing_brace(tmpl, pos);
    status = expand_long(tmpl.substr(pos + 1, close - pos - 1), value);
    pos = close + 1;
  } else {
    // Includes "%{" with no '}' anywhere after it: the short key '{'.
    status = expand_short(tmpl[pos], value);
    ++pos;
  }
  result = worst(result, status);
  if (status != Status::ok) {
    dest += value; // failed fields get neither modifiers nor width
    return pos;
  }
  for (Modifier modifier : modifiers) {
    value = modifier(value, format);
  }
  append_with_format(dest, value, format);
  if (format.over_limit) {
    result = worst(result,
                   fail(Status::error, "zero padding beyond 65536 characters (loginref's limit)"));
  }
  return pos;
}

// var_expand_short.
Status Expander::expand_short(char key, std::string& value) {
  for (const TableEntry& entry : k_table) {
    if (entry.key != '\0' && entry.key == key) {
      value = table_value(entry.source, m_vars, m_escape);
      return Status::ok;
    }
  }
  if (key == '%') {
    value = "%";
    return Status::ok;
  }
  value = std::string("UNSUPPORTED_VARIABLE_") + key;
  if (!m_error) { // var_expand_short keeps an earlier message
    set_error(std::string("Unknown variable '%") + key + "'");
  }
  return Status::unknown;
}

// var_expand_long: table names, then the built-ins (hostname, uid, gid;
// "pid" is always the table's), then NAME:DATA for extensions and
// functions.
Status Expander::expand_long(std::string_view key, std::string& value) {
  value.clear();
  DepthGuard guard(m_depth);
  if (guard.too_deep()) {
    return fail(Status::error, "template nested more than 64 levels deep (loginref's limit)");
  }
  for (const TableEntry& entry : k_table) {
    if (!entry.name.empty() && entry.name == key) {
      value = table_value(entry.source, m_vars, m_escape);
      return Status::ok;
    }
  }
  if (key == "hostname") {
    value = m_vars.hostname;
    return Status::ok;
  }
  if (key == "uid" || key == "gid") {
    value = std::to_string(key == "uid" ? geteuid() : getegid());
    return Status::ok;
  }
  const std::size_t colon = key.find(':');
  if (colon == std::string_view::npos) {
    return expand_extension(key, "", value);
  }
  return expand_extension(key.substr(0, colon), key.substr(colon + 1), value);
}

// var_expand_try_extension: hash methods, pkcs5 and if are matched
// case-insensitively on the part before ';'; everything else goes to the
// function table.
Status Expander::expand_extension(std::string_view key, std::string_view data, std::string& value) {
  const std::string_view name = key.substr(0, key.find(';'));
  if (is_hash_method_name(name) || iequals(name, "pkcs5")) {
    return expand_hash(key, data, value);
  }
  if (iequals(name, "if")) {
    return expand_if(key, data, value);
  }
  const Status status = expand_function(key, data, value);
  if (status == Status::unknown) {
    // Dovecot's wording: the braces are not part of the message.
    set_error("Unknown variable '%" + std::string(key) + "'");
  }
  return status;
}

// var_expand_func with auth_request_var_funcs_table: env, passdb, userdb.
Status Expander::expand_function(std::string_view key, std::string_view data, std::string& value) {
  if (key == "env") {
    const char* env = std::getenv(std::string(data).c_str());
    value = env != nullptr ? env : "";
    return Status::ok;
  }
  if (key == "passdb") {
    value = field_value(m_vars.passdb_fields, data);
    return Status::ok;
  }
  if (key == "userdb") {
    value = field_value(m_vars.userdb_fields, data);
    return Status::ok;
  }
  value = "UNSUPPORTED_VARIABLE_" + std::string(key);
  return Status::unknown;
}

// auth_request_var_expand_func_passdb/userdb: "name[:default]", and the
// result (even the default) is escaped.
std::string Expander::field_value(const std::map<std::string, std::string>& fields,
                                  std::string_view data) const {
  const std::size_t colon = data.find(':');
  const std::string name(data.substr(0, colon));
  const std::map<std::string, std::string>::const_iterator found = fields.find(name);
  if (found != fields.end()) {
    return m_escape(c_string(found->second));
  }
  return m_escape(colon == std::string_view::npos ? std::string_view() : data.substr(colon + 1));
}

// var_expand_hash: %{method[;options]:variable}. The argument is a
// variable name (anything var_expand_long accepts), not a template.
Status Expander::expand_hash(std::string_view key, std::string_view field, std::string& value) {
  const std::size_t semicolon = key.find(';');
  const std::string_view algorithm = key.substr(0, semicolon);
  const bool pkcs5 = algorithm == "pkcs5";
  const HashMethod* method = find_hash_method(pkcs5 ? "sha256" : algorithm);
  if (method == nullptr) {
    // Matched as an extension case-insensitively but looked up with
    // strcmp: Dovecot returns 0 and sets no error message.
    if (!m_first_error) {
      m_first_error = "Unknown hash method '" + std::string(algorithm) +
                      "' (hash names are case-sensitive; Dovecot 2.3.19 logs no reason)";
    }
    return Status::unknown;
  }
  std::string input;
  Status status = expand_long(field, input);
  if (status != Status::ok) {
    return status;
  }
  HashOptions options;
  if (pkcs5) {
    options.rounds = 2048;
    options.salt = field; // the variable's *name* is the default salt
  }
  if (semicolon != std::string_view::npos) {
    status = parse_hash_options(key.substr(semicolon + 1), *method, options);
    if (status != Status::ok) {
      return status;
    }
  }
  std::string raw;
  status = compute_hash(pkcs5, *method, input, options, raw);
  if (status != Status::ok) {
    return status;
  }
  if (options.truncate_bits > 0) {
    truncate_rshift_bits(raw, options.truncate_bits);
  }
  // format=hexuc prints lowercase too: both cases call binary_to_hex.
  value = options.format == HashOptions::Format::base64 ? to_base64(raw) : to_hex(raw);
  return Status::ok;
}

// The option loop of var_expand_hash: comma-separated name=value; items
// without '=' and unknown names are ignored, and "salt" ends the list.
Status Expander::parse_hash_options(std::string_view arguments, const HashMethod& method,
                                    HashOptions& options) {
  while (true) {
    const std::size_t comma = arguments.find(',');
    const std::string_view item = arguments.substr(0, comma);
    const std::size_t equals = item.find('=');
    if (equals != std::string_view::npos) {
      const std::string_view name = item.substr(0, equals);
      const std::string value(item.substr(equals + 1));
      if (name == "rounds") {
        const std::optional<std::uint64_t> rounds = parse_unsigned(value);
        if (!rounds || *rounds > std::numeric_limits<unsigned>::max()) {
          return fail(Status::error,
                      "Cannot parse hash arguments:'" + value + "' is not number for rounds");
        }
        if (*rounds < 1) {
          return fail(Status::error, "Cannot parse hash arguments:rounds must be at least 1");
        }
        if (*rounds > k_max_rounds) {
          return fail(Status::error, "rounds=" + value + " is beyond loginref's limit of 100000");
        }
        options.rounds = static_cast<unsigned>(*rounds);
      } else if (name == "truncate") {
        const std::optional<std::uint64_t> bits = parse_unsigned(value);
        if (!bits || *bits > std::numeric_limits<unsigned>::max()) {
          return fail(Status::error,
                      "Cannot parse hash arguments:'" + value + "' is not number for truncbits");
        }
        options.truncate_bits =
            static_cast<unsigned>(std::min<std::uint64_t>(*bits, method.digest_size * 8));
      } else if (name == "salt") {
        options.salt.clear();
        if (expand_template(options.salt, value) == Status::error) {
          return Status::error;
        }
        return Status::ok;
      } else if (name == "format") {
        if (value == "hex") {
          options.format = HashOptions::Format::hex;
        } else if (value == "hexuc") {
          options.format = HashOptions::Format::hex_uppercase;
        } else if (value == "base64") {
          options.format = HashOptions::Format::base64;
        } else {
          return fail(Status::error,
                      "Cannot parse hash arguments:'" + value + "' is not supported format");
        }
      }
    }
    if (comma == std::string_view::npos) {
      return Status::ok;
    }
    arguments.remove_prefix(comma + 1);
  }
}

// pkcs5: PBKDF2-HMAC-SHA256 with Dovecot's output length, which is
// HMAC_MAX_CONTEXT_SIZE = sizeof(struct sha512_ctx) = 336 bytes on 64-bit
// systems. Otherwise: `rounds` times digest = H(salt || digest), starting
// from the value.
Status Expander::compute_hash(bool pkcs5, const HashMethod& method, const std::string& input,
                              const HashOptions& options, std::string& raw) {
  if (pkcs5) {
    constexpr std::size_t k_pkcs5_length = 336;
    std::optional<std::string> key =
        pbkdf2(DigestMethod::sha256, input, options.salt, options.rounds, k_pkcs5_length);
    if (!key) {
      return fail(Status::error, "Cannot hash: PKCS5_PBKDF2 failed");
    }
    raw = std::move(*key);
    return Status::ok;
  }
  raw = input;
  for (unsigned round = 0; round < options.rounds; ++round) {
    std::optional<std::string> digest = hash_once(method, options.salt + raw);
    if (!digest) {
      return fail(Status::error,
                  "Cannot hash: " + std::string(method.name) +
                      " is not available (OpenSSL's legacy provider could not be loaded)");
    }
    raw = std::move(*digest);
  }
  return Status::ok;
}

// var_expand_if: the key and data are glued back together with ':' (the
// caller split them), parameters are split, each is expanded as a
// template, then compared.
Status Expander::expand_if(std::string_view key, std::string_view field, std::string& value) {
  const std::string input = std::string(key) + ":" + std::string(field);
  const std::size_t semicolon = input.find(';');
  if (semicolon == std::string::npos) {
    return fail(Status::error, "if: missing parameter(s)");
  }
  std::vector<std::string> parameters =
      split_if_parameters(std::string_view(input).substr(semicolon + 1));
  if (parameters.size() == 4) {
    parameters.emplace_back();
  } else if (parameters.size() != 5) {
    return fail(Status::error,
                "if: requires four or five parameters, got " + std::to_string(parameters.size()));
  }
  std::vector<std::string> expanded(parameters.size());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Status status = expand_template(expanded[i], parameters[i]);
    if (status != Status::ok) {
      return status;
    }
  }
  const Comparison comparison = compare(expanded[0], expanded[1], expanded[2]);
  if (comparison.error) {
    return fail(Status::error, *comparison.error);
  }
  value = comparison.result ? expanded[3] : expanded[4];
  return Status::ok;
}

} // namespace

Expansion expand(std::string_view tmpl, const AuthVars& vars, const Escaper& escape) {
  Expander expander(vars, escape);
  return expander.run(tmpl);
}

Escaper no_escape() {
  return [](std::string_view value) { return std::string(value); };
}

} // namespace loginref
