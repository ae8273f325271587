// base64_encode and base64_decode of Dovecot 2.3.19's src/lib/base64.c.
// The code is our own: a loop rather than OpenSSL's EVP_DecodeBlock, so
// that e.g. {PLAIN.b64} does not load libcrypto (see digest.hpp).
#include "core/base64.hpp"

#include <cstdint>

namespace loginref {

namespace {

bool is_base64_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Dovecot's base64 decoder skips these four whitespace characters anywhere.
std::string without_base64_space(std::string_view text) {
  std::string kept;
  for (char c : text) {
    if (!is_base64_space(c)) {
      kept.push_back(c);
    }
  }
  return kept;
}

unsigned base64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return static_cast<unsigned>(c - 'A');
  }
  if (c >= 'a' && c <= 'z') {
    return static_cast<unsigned>(c - 'a' + 26);
  }
  if (c >= '0' && c <= '9') {
    return static_cast<unsigned>(c - '0' + 52);
  }
  return c == '+' ? 62 : 63;
}

// How many characters of `compact` (whitespace removed) are base64
// alphabet characters before anything else, e.g. the first '='.
std::size_t base64_data_length(std::string_view compact) {
  std::size_t data_length = 0;
  while (data_length < compact.size() && is_base64_char(compact[data_length])) {
    ++data_length;
  }
  return data_length;
}

// Decodes base64 alphabet characters (is_base64_char, no '=') into every
// byte they complete: 3 bytes per 4 characters, 1 for a final 2, 2 for a
// final 3. Dovecot never checks the unused low bits of the last character,
// so neither does this.
std::string decode_base64_chars(std::string_view chars) {
  std::string bytes;
  bytes.reserve(chars.size() * 3 / 4);
  unsigned bits = 0;    // the last characters' bits, the newest lowest
  unsigned pending = 0; // how many of them are not in `bytes` yet
  for (char c : chars) {
    bits = ((bits << 6) | base64_value(c)) & 0xfff;
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes.push_back(static_cast<char>((bits >> pending) & 0xff));
    }
  }
  return bytes;
}

} // namespace

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

// base64_decode() in 2.3.19 lib/base64.c: padding is required, "=" or "=="
// may only close a group of 3 or 2 characters, nothing may follow it.
std::optional<std::string> base64_decode(std::string_view text) {
  const std::string compact = without_base64_space(text);
  const std::size_t data_length = base64_data_length(compact);
  const std::string_view tail = std::string_view(compact).substr(data_length);
  const std::size_t group = data_length % 4;
  const bool well_formed =
      (group == 0 && tail.empty()) || (group == 2 && tail == "==") || (group == 3 && tail == "=");
  if (!well_formed) {
    return std::nullopt;
  }
  return decode_base64_chars(std::string_view(compact).substr(0, data_length));
}

// t_base64_decode_str() ignores errors and keeps whatever was decoded before
// the first invalid character.
std::string base64_decode_lenient(std::string_view text) {
  const std::string compact = without_base64_space(text);
  return decode_base64_chars(std::string_view(compact).substr(0, base64_data_length(compact)));
}

} // namespace loginref
