// Password verification the way Dovecot 2.3.19 does it for passdb-sql:
// password_get_scheme(), password_decode() and password_verify() in
// src/auth/password-scheme.c, with the scheme functions of
// password-scheme-{crypt,md5crypt,scram,pbkdf2}.c. Digests come from
// digest.hpp (OpenSSL, loaded on first use) and crypt hashes from libxcrypt;
// nothing here implements a hash.
#include "core/password_scheme.hpp"

#include "core/digest.hpp"

#include <crypt.h>
#include <sodium.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace loginref {
namespace {

// ---------------------------------------------------------------------------
// Small text helpers with Dovecot's lib semantics
// ---------------------------------------------------------------------------

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Dovecot keys its scheme table with strcasecmp.
bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_upper(a[i]) != ascii_upper(b[i])) {
      return false;
    }
  }
  return true;
}

// Dovecot handles these values as C strings (t_strndup), so they end at NUL.
std::string_view until_nul(std::string_view text) { return text.substr(0, text.find('\0')); }

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

// str_to_uint(): digits only, no sign or spaces, within unsigned int.
std::optional<unsigned int> parse_uint(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  unsigned long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned int>(c - '0');
    if (value > UINT_MAX) {
      return std::nullopt;
    }
  }
  return static_cast<unsigned int>(value);
}

// ---------------------------------------------------------------------------
// Hex and base64 with the exact acceptance rules of Dovecot's lib
// ---------------------------------------------------------------------------

struct Decoded {
  bool valid;
  std::string bytes;
};

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// hex_to_binary(): either case, and an odd length is invalid.
Decoded hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return {false, {}};
  }
  std::string bytes;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_digit_value(text[i]);
    const int low = hex_digit_value(text[i + 1]);
    if (high < 0 || low < 0) {
      return {false, {}};
    }
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return {true, bytes};
}

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

// Decodes base64 alphabet characters (is_base64_char, no '=') into every
// byte they complete: 3 bytes per 4 characters, 1 for a final 2, 2 for a
// final 3. Dovecot never checks the unused low bits of the last character,
// so neither does this. (Our own loop rather than OpenSSL's EVP_DecodeBlock,
// so that e.g. {PLAIN.b64} does not load libcrypto.)
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

// base64_decode() in 2.3.19 lib/base64.c: padding is required, "=" or "=="
// may only close a group of 3 or 2 characters, nothing may follow it.
Decoded base64_decode_strict(std::string_view text) {
  const std::string compact = without_base64_space(text);
  std::size_t data_length = 0;
  while (data_length < compact.size() && is_base64_char(compact[data_length])) {
    ++data_length;
  }
  const std::string_view tail = std::string_view(compact).substr(data_length);
  const std::size_t group = data_length % 4;
  const bool well_formed =
      (group == 0 && tail.empty()) || (group == 2 && tail == "==") || (group == 3 && tail == "=");
  if (!well_formed) {
    return {false, {}};
  }
  return {true, decode_base64_chars(std::string_view(compact).substr(0, data_length))};
}

// t_base64_decode_str() ignores errors and keeps whatever was decoded before
// the first invalid character (used for the SCRAM salt).
std::string base64_decode_lenient(std::string_view text) {
  const std::string compact = without_base64_space(text);
  std::size_t data_length = 0;
  while (data_length < compact.size() && is_base64_char(compact[data_length])) {
    ++data_length;
  }
  return decode_base64_chars(std::string_view(compact).substr(0, data_length));
}

// ---------------------------------------------------------------------------
// libxcrypt
// ---------------------------------------------------------------------------

// crypt() as Dovecot's mycrypt() calls it. With libxcrypt, crypt_r returns a
// failure token ("*0"/"*1") rather than NULL, which never equals a stored hash.
std::string system_crypt(std::string_view phrase, std::string_view setting) {
  std::unique_ptr<crypt_data> scratch = std::make_unique<crypt_data>();
  const std::string phrase_z(phrase);
  const std::string setting_z(setting);
  const char* hashed = crypt_r(phrase_z.c_str(), setting_z.c_str(), scratch.get());
  return hashed == nullptr ? std::string("*0") : std::string(hashed);
}

struct CryptOutput {
  std::string hash;
  std::string failure; // strerror text when libxcrypt refused the setting
};

// Like system_crypt but reporting a refused setting (crypt_rn returns NULL),
// for the places where Dovecot uses its own code and reports errno.
CryptOutput checked_crypt(std::string_view phrase, std::string_view setting) {
  std::unique_ptr<crypt_data> scratch = std::make_unique<crypt_data>();
  const std::string phrase_z(phrase);
  const std::string setting_z(setting);
  errno = 0;
  const char* hashed =
      crypt_rn(phrase_z.c_str(), setting_z.c_str(), scratch.get(), sizeof(crypt_data));
  if (hashed == nullptr) {
    return {{}, std::strerror(errno != 0 ? errno : EINVAL)};
  }
  return {hashed, {}};
}

// ---------------------------------------------------------------------------
// Verification functions, one per kind of scheme
// ---------------------------------------------------------------------------

// What one scheme's verify function concludes: match, mismatch, or error
// (Dovecot's -1, logged as "Invalid password in passdb: <error>").
struct Verdict {
  VerifyOutcome outcome;
  std::string error;
};

Verdict matched_if(bool equal) {
  return {equal ? VerifyOutcome::match : VerifyOutcome::mismatch, {}};
}

Verdict broken(std::string error) { return {VerifyOutcome::error, std::move(error)}; }

struct Attempt {
  std::string_view plaintext;
  std::string_view raw; // stored data after password_decode()
  std::string_view user;
};

using VerifyFunction = Verdict (*)(const Attempt&);
using GenerateFunction = std::string (*)(std::string_view plaintext, std::string_view user);

// ARGON2I/ARGON2ID (password-scheme-sodium.c): libsodium checks the
// "$argon2..." string itself; any failure is a mismatch, as in Dovecot.
Verdict verify_argon2(const Attempt& attempt) {
  static const bool ready = sodium_init() >= 0;
  if (!ready) {
    return {VerifyOutcome::error, "sodium_init() failed"};
  }
  const std::string encoded(attempt.raw);
  return matched_if(crypto_pwhash_str_verify(encoded.c_str(), attempt.plaintext.data(),
                                             attempt.plaintext.size()) == 0);
}

Verdict verify_plain(const Attempt& attempt) {
  return matched_if(timing_safe_equal(attempt.plaintext, attempt.raw));
}

// PLAIN-TRUNC is "<length>-<password>": a stored password cut at <length>
// accepts any login password that starts with it.
Verdict verify_plain_trunc(const Attempt& attempt) {
  std::size_t i = 0;
  std::size_t trunc_length = 0;
  while (i < attempt.raw.size() && attempt.raw[i] >= '0' && attempt.raw[i] <= '9') {
    trunc_length = trunc_length * 10 + static_cast<std::size_t>(attempt.raw[i] - '0');
    ++i;
  }
  if (i == attempt.raw.size() || attempt.raw[i] != '-') {
    return broken("PLAIN-TRUNC missing length: prefix");
  }
  const std::string_view stored = attempt.raw.substr(i + 1);
  if (stored.size() == trunc_length && attempt.plaintext.size() >= trunc_length) {
    return matched_if(timing_safe_equal(stored, attempt.plaintext.substr(0, trunc_length)));
  }
  return matched_if(timing_safe_equal(stored, attempt.plaintext));
}

// Salted digests store digest(password || salt) || salt.
Verdict verify_salted(DigestMethod method, std::string_view scheme, const Attempt& attempt) {
  const std::size_t digest_length = digest_size(method);
  if (attempt.raw.size() <= digest_length) {
    return broken(std::string(scheme) + " password is too short");
  }
  const std::string computed =
      digest(method, {attempt.plaintext, attempt.raw.substr(digest_length)});
  return matched_if(timing_safe_equal(computed, attempt.raw.substr(0, digest_length)));
}

// Dovecot's md5crypt takes the salt after "$1$" up to the next '$', at most
// 8 characters, and always produces "$1$<salt>$<hash>", so a stored value not
// starting with "$1$" can never match.
Verdict verify_md5_crypt(const Attempt& attempt) {
  const std::string_view stored = until_nul(attempt.raw);
  if (!stored.starts_with("$1$")) {
    return matched_if(false);
  }
  const std::string_view salt_area = stored.substr(3, 8);
  const std::string_view salt = salt_area.substr(0, salt_area.find('$'));
  const CryptOutput crypted = checked_crypt(attempt.plaintext, "$1$" + std::string(salt));
  if (!crypted.failure.empty()) {
    // Dovecot's own md5crypt accepts any salt bytes; libxcrypt does not.
    return broken("loginref cannot compute MD5-CRYPT for salt '" + std::string(salt) +
                  "': " + crypted.failure);
  }
  return matched_if(timing_safe_equal(crypted.hash, stored));
}

Verdict verify_blf_crypt(const Attempt& attempt) {
  constexpr std::size_t prefix_length = 7 + 22 + 1; // "$2y$nn$" + salt, as Dovecot
  const std::string_view stored = until_nul(attempt.raw);
  if (stored.empty()) {
    return matched_if(false); // crypt() would "match" an empty setting
  }
  if (stored.size() < prefix_length || !stored.starts_with("$2") || stored[2] < 'a' ||
      stored[2] > 'z' || stored[3] != '$') {
    return broken("Password is not blowfish password");
  }
  const CryptOutput crypted = checked_crypt(attempt.plaintext, stored.substr(0, prefix_length));
  if (!crypted.failure.empty()) {
    return broken("crypt_blowfish_rn failed: " + crypted.failure);
  }
  return matched_if(timing_safe_equal(crypted.hash, stored));
}

// CRYPT, DES-CRYPT, SHA256-CRYPT and SHA512-CRYPT all use crypt_verify(),
// which sends "$2?$..." to BLF-CRYPT and everything else to system crypt().
Verdict verify_crypt(const Attempt& attempt) {
  const std::string_view raw = attempt.raw;
  if (raw.size() > 4 && raw[0] == '$' && raw[1] == '2' && raw[3] == '$') {
    return verify_blf_crypt(attempt);
  }
  const std::string_view stored = until_nul(raw);
  if (stored.empty()) {
    return matched_if(false);
  }
  return matched_if(timing_safe_equal(system_crypt(attempt.plaintext, stored), stored));
}

// "$1$salt$rounds$hex": PBKDF2-HMAC-SHA1 with a 20-byte key.
Verdict verify_pbkdf2(const Attempt& attempt) {
  const std::string_view stored = until_nul(attempt.raw);
  if (!stored.starts_with("$1$")) {
    return broken("Invalid PBKDF2 passdb entry prefix");
  }
  const std::vector<std::string_view> fields = split_fields(stored.substr(3), '$');
  const std::optional<unsigned int> rounds =
      fields.size() == 3 ? parse_uint(fields[1]) : std::nullopt;
  if (!rounds) {
    return broken("Invalid PBKDF2 passdb entry format");
  }
  const Decoded expected = hex_decode(fields[2]);
  if (fields[2].size() != 40 || !expected.valid) {
    return broken("PBKDF2 hash not 160bit hex-encoded");
  }
  if (*rounds > INT_MAX) {
    return broken("loginref supports at most " + std::to_string(INT_MAX) + " PBKDF2 rounds");
  }
  // With 0 rounds Dovecot's pkcs5_pbkdf() fails unchecked and the key stays
  // all zero bytes, so any password matches a hash of 40 '0's. (pbkdf2()
  // refuses 0 rounds, as OpenSSL does.)
  const std::string computed = pbkdf2(DigestMethod::sha1, attempt.plaintext, fields[0], *rounds, 20)
                                   .value_or(std::string(20, '\0'));
  return matched_if(timing_safe_equal(computed, expected.bytes));
}

// "iterations,salt,StoredKey,ServerKey" (RFC 5802); only StoredKey is needed
// to check a plaintext password.
Verdict verify_scram(DigestMethod method, std::string_view scheme, const Attempt& attempt) {
  const std::string name(scheme);
  const std::vector<std::string_view> fields = split_fields(until_nul(attempt.raw), ',');
  if (fields.size() != 4) {
    return broken("Invalid " + name + " passdb entry format");
  }
  const std::optional<unsigned int> iterations = parse_uint(fields[0]);
  if (!iterations || *iterations < 4096 || *iterations > INT_MAX) {
    return broken("Invalid " + name + " iteration count in passdb");
  }
  const std::size_t digest_length = digest_size(method);
  const Decoded stored_key = base64_decode_strict(fields[2]);
  if (!stored_key.valid || stored_key.bytes.size() != digest_length) {
    return broken("Invalid " + name + " StoredKey in passdb");
  }
  const Decoded server_key = base64_decode_strict(fields[3]);
  if (!server_key.valid || server_key.bytes.size() != digest_length) {
    return broken("Invalid " + name + " ServerKey in passdb");
  }
  // 4096..INT_MAX iterations: pbkdf2 cannot refuse them.
  const std::string salted = pbkdf2(method, attempt.plaintext, base64_decode_lenient(fields[1]),
                                    *iterations, digest_length)
                                 .value_or(std::string(digest_length, '\0'));
  const std::string client_key = hmac(method, salted, "Client Key");
  return matched_if(timing_safe_equal(digest(method, {client_key}), stored_key.bytes));
}

// ---------------------------------------------------------------------------
// Generators for schemes checked by regenerating the stored value
// ---------------------------------------------------------------------------

std::string generate_md5(std::string_view plaintext, std::string_view) {
  return digest(DigestMethod::md5, {plaintext});
}

std::string generate_sha1(std::string_view plaintext, std::string_view) {
  return digest(DigestMethod::sha1, {plaintext});
}

std::string generate_sha256(std::string_view plaintext, std::string_view) {
  return digest(DigestMethod::sha256, {plaintext});
}

std::string generate_sha512(std::string_view plaintext, std::string_view) {
  return digest(DigestMethod::sha512, {plaintext});
}

// Empty when MD4 is unavailable; verify_md4 reports that first.
std::string generate_md4(std::string_view plaintext, std::string_view) {
  return digest_available(DigestMethod::md4) ? digest(DigestMethod::md4, {plaintext})
                                             : std::string();
}

// CRAM-MD5/HMAC-MD5 store the HMAC-MD5 precomputed context: the MD5 state
// after the outer pad block, then after the inner one (hmac-cram-md5.c).
std::string generate_cram_md5(std::string_view plaintext, std::string_view) {
  constexpr std::size_t block_size = 64;
  std::string key =
      plaintext.size() > block_size ? generate_md5(plaintext, {}) : std::string(plaintext);
  key.resize(block_size, '\0');
  std::string inner_pad = key;
  std::string outer_pad = key;
  for (std::size_t i = 0; i < block_size; ++i) {
    inner_pad[i] = static_cast<char>(inner_pad[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(outer_pad[i] ^ 0x5c);
  }
  return md5_state_after_block(outer_pad) + md5_state_after_block(inner_pad);
}

// MD5("user:realm:password"), the login name split at its last '@' so that
// "user@domain@realm" keeps "user@domain" as the user.
std::string generate_digest_md5(std::string_view plaintext, std::string_view user) {
  const std::size_t at = user.rfind('@');
  const std::string_view name = at == std::string_view::npos ? user : user.substr(0, at);
  const std::string_view realm =
      at == std::string_view::npos ? std::string_view() : user.substr(at + 1);
  return digest(DigestMethod::md5, {name, ":", realm, ":", plaintext});
}

// Dovecot's generic handler: regenerate and compare.
Verdict verify_generated(GenerateFunction generate, const Attempt& attempt) {
  return matched_if(timing_safe_equal(generate(attempt.plaintext, attempt.user), attempt.raw));
}

Verdict verify_md4(const Attempt& attempt) {
  if (!digest_available(DigestMethod::md4)) {
    return broken("loginref cannot compute MD4: OpenSSL's legacy provider did not load");
  }
  return verify_generated(generate_md4, attempt);
}

// ---------------------------------------------------------------------------
// The scheme table (builtin_schemes plus the crypt and sodium ones)
// ---------------------------------------------------------------------------

enum class Encoding { none, base64, hex };

enum class Availability {
  always,
  crypt_self_test, // registered only if system crypt() passes a self-test
  unsupported,     // known to Dovecot, not verified by loginref
};

struct Scheme {
  std::string_view name;
  Encoding default_encoding;
  std::size_t raw_length; // 0: variable, never guessed
  VerifyFunction verify;  // nullptr: regenerate with `generate` and compare
  GenerateFunction generate;
  Availability availability;
};

// Defined below: MD5 falls back to decoding the data as PLAIN-MD5.
Verdict verify_md5(const Attempt& attempt);

const std::array<Scheme, 31> k_schemes = {{
    {"MD5", Encoding::none, 0, verify_md5, nullptr, Availability::always},
    {"MD5-CRYPT", Encoding::none, 0, verify_md5_crypt, nullptr, Availability::always},
    {"SHA", Encoding::base64, 20, nullptr, generate_sha1, Availability::always},
    {"SHA1", Encoding::base64, 20, nullptr, generate_sha1, Availability::always},
    {"SHA256", Encoding::base64, 32, nullptr, generate_sha256, Availability::always},
    {"SHA512", Encoding::base64, 64, nullptr, generate_sha512, Availability::always},
    {"SMD5", Encoding::base64, 0,
     [](const Attempt& a) { return verify_salted(DigestMethod::md5, "SMD5", a); }, nullptr,
     Availability::always},
    {"SSHA", Encoding::base64, 0,
     [](const Attempt& a) { return verify_salted(DigestMethod::sha1, "SSHA", a); }, nullptr,
     Availability::always},
    {"SSHA256", Encoding::base64, 0,
     [](const Attempt& a) { return verify_salted(DigestMethod::sha256, "SSHA256", a); }, nullptr,
     Availability::always},
    {"SSHA512", Encoding::base64, 0,
     [](const Attempt& a) { return verify_salted(DigestMethod::sha512, "SSHA512", a); }, nullptr,
     Availability::always},
    {"PLAIN", Encoding::none, 0, verify_plain, nullptr, Availability::always},
    {"CLEAR", Encoding::none, 0, verify_plain, nullptr, Availability::always},
    {"CLEARTEXT", Encoding::none, 0, verify_plain, nullptr, Availability::always},
    {"PLAIN-TRUNC", Encoding::none, 0, verify_plain_trunc, nullptr, Availability::always},
    {"CRAM-MD5", Encoding::hex, 32, nullptr, generate_cram_md5, Availability::always},
    {"SCRAM-SHA-1", Encoding::none, 0,
     [](const Attempt& a) { return verify_scram(DigestMethod::sha1, "SCRAM-SHA-1", a); }, nullptr,
     Availability::always},
    {"SCRAM-SHA-256", Encoding::none, 0,
     [](const Attempt& a) { return verify_scram(DigestMethod::sha256, "SCRAM-SHA-256", a); },
     nullptr, Availability::always},
    {"HMAC-MD5", Encoding::hex, 32, nullptr, generate_cram_md5, Availability::always},
    {"DIGEST-MD5", Encoding::hex, 16, nullptr, generate_digest_md5, Availability::always},
    {"PLAIN-MD4", Encoding::hex, 16, verify_md4, nullptr, Availability::always},
    {"PLAIN-MD5", Encoding::hex, 16, nullptr, generate_md5, Availability::always},
    {"LDAP-MD5", Encoding::base64, 16, nullptr, generate_md5, Availability::always},
    {"OTP", Encoding::none, 0, nullptr, nullptr, Availability::unsupported},
    {"PBKDF2", Encoding::none, 0, verify_pbkdf2, nullptr, Availability::always},
    {"DES-CRYPT", Encoding::none, 0, verify_crypt, nullptr, Availability::crypt_self_test},
    {"SHA256-CRYPT", Encoding::none, 0, verify_crypt, nullptr, Availability::crypt_self_test},
    {"SHA512-CRYPT", Encoding::none, 0, verify_crypt, nullptr, Availability::crypt_self_test},
    {"BLF-CRYPT", Encoding::none, 0, verify_blf_crypt, nullptr, Availability::always},
    {"CRYPT", Encoding::none, 0, verify_crypt, nullptr, Availability::always},
    // Only when built with libsodium, as Debian's dovecot-core is.
    {"ARGON2I", Encoding::none, 0, verify_argon2, nullptr, Availability::always},
    {"ARGON2ID", Encoding::none, 0, verify_argon2, nullptr, Availability::always},
}};

struct CryptSample {
  std::string_view scheme;
  std::string_view key;
  std::string_view setting;
  std::string_view expected;
};

// Our own sample hashes (DES from doveadm, SHA-crypt from `openssl passwd`),
// checked the way password_scheme_register_crypt() checks Dovecot's.
constexpr std::array<CryptSample, 3> k_crypt_samples = {{
    {"DES-CRYPT", "loginref self-test", "2/", "2/b7tiQfXpGco"},
    {"SHA256-CRYPT", "loginref self-test", "$5$loginrefselftest",
     "$5$loginrefselftest$6Oy/ew7WePQlDHLqMuTqSrIwo6w74ka9MeeVoCdlphC"},
    {"SHA512-CRYPT", "loginref self-test", "$6$loginrefselftest",
     "$6$loginrefselftest$2n4BQsOUiXRtm.Yzo53wim1GsgCOR4.63CrIFAKBHbDV9Ms31ml59TPYIV7yln7qVSxWiq"
     "usZuTIB2c0OJGPy."},
}};

// Runs the crypt self-tests once per process, in k_crypt_samples order.
bool crypt_scheme_registered(std::string_view scheme) {
  static const std::array<bool, k_crypt_samples.size()> passed = [] {
    std::array<bool, k_crypt_samples.size()> results{};
    for (std::size_t i = 0; i < k_crypt_samples.size(); ++i) {
      const CryptSample& sample = k_crypt_samples[i];
      results[i] = system_crypt(sample.key, sample.setting) == sample.expected;
    }
    return results;
  }();
  for (std::size_t i = 0; i < k_crypt_samples.size(); ++i) {
    if (k_crypt_samples[i].scheme == scheme) {
      return passed[i];
    }
  }
  return false;
}

// Whether Dovecot would have this scheme in its table at all.
bool registered(const Scheme& scheme) {
  return scheme.availability != Availability::crypt_self_test ||
         crypt_scheme_registered(scheme.name);
}

const Scheme* find_scheme(std::string_view name) {
  for (const Scheme& scheme : k_schemes) {
    if (equals_ignore_case(scheme.name, name) && registered(scheme)) {
      return &scheme;
    }
  }
  return nullptr;
}

struct SchemeChoice {
  const Scheme* scheme;
  Encoding encoding;
  bool encoding_forced; // a suffix was given, so no guessing
};

// password_scheme_lookup(): "NAME[.b64|.base64|.hex]". Absent when Dovecot
// would say "Unknown scheme", including any other suffix.
std::optional<SchemeChoice> lookup_scheme(std::string_view name) {
  const std::size_t dot = name.find('.');
  const Scheme* scheme = find_scheme(name.substr(0, dot));
  if (scheme == nullptr) {
    return std::nullopt;
  }
  if (dot == std::string_view::npos) {
    return SchemeChoice{scheme, scheme->default_encoding, false};
  }
  const std::string_view suffix = name.substr(dot + 1);
  if (equals_ignore_case(suffix, "b64") || equals_ignore_case(suffix, "base64")) {
    return SchemeChoice{scheme, Encoding::base64, true};
  }
  if (equals_ignore_case(suffix, "hex")) {
    return SchemeChoice{scheme, Encoding::hex, true};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// password_decode() and password_verify()
// ---------------------------------------------------------------------------

struct DecodeOutcome {
  bool valid;
  std::string raw;
  std::string error; // Dovecot's text after "...for scheme X: "
};

// For fixed-length schemes without a suffix the encoding is guessed from the
// length (hex if exactly twice the raw length), and a failed hex guess is
// retried as base64, as password_decode() does.
DecodeOutcome decode_password(std::string_view data, const SchemeChoice& choice) {
  const Scheme& scheme = *choice.scheme;
  Encoding encoding = choice.encoding;
  const bool guessed =
      encoding != Encoding::none && scheme.raw_length != 0 && !choice.encoding_forced;
  if (guessed) {
    encoding = data.size() == scheme.raw_length * 2 ? Encoding::hex : Encoding::base64;
  }
  Decoded decoded{true, std::string(data)};
  if (encoding == Encoding::hex) {
    decoded = hex_decode(data);
    if (!decoded.valid && !guessed) {
      return {false, {}, "Input isn't valid HEX encoded data"};
    }
  }
  if (encoding == Encoding::base64 || !decoded.valid) {
    decoded = base64_decode_strict(data);
    if (!decoded.valid) {
      return {false, {}, "Input isn't valid base64 encoded data"};
    }
  }
  if (scheme.raw_length != 0 && decoded.bytes.size() != scheme.raw_length) {
    return {false,
            {},
            "Input length isn't valid (" + std::to_string(decoded.bytes.size()) + " instead of " +
                std::to_string(scheme.raw_length) + ")"};
  }
  return {true, decoded.bytes, {}};
}

Verdict run_verify(const Scheme& scheme, const Attempt& attempt) {
  if (scheme.verify != nullptr) {
    return scheme.verify(attempt);
  }
  return verify_generated(scheme.generate, attempt);
}

// MD5 (the 2.3 SQL default) accepts "$1$" MD5-crypt, else PLAIN-MD5 in hex
// or base64 (md5_verify()).
Verdict verify_md5(const Attempt& attempt) {
  const std::string_view stored = until_nul(attempt.raw);
  if (stored.starts_with("$1$")) {
    return verify_md5_crypt(attempt);
  }
  const std::optional<SchemeChoice> plain_md5 = lookup_scheme("PLAIN-MD5");
  const DecodeOutcome decoded = decode_password(stored, *plain_md5);
  if (!decoded.valid) {
    return broken("Not a valid MD5-CRYPT or PLAIN-MD5 password");
  }
  return verify_generated(generate_md5, Attempt{attempt.plaintext, decoded.raw, attempt.user});
}

struct StoredPassword {
  std::string_view scheme;
  std::string_view data;
};

// password_get_scheme(). Absent only for a value passdb-sql never produces
// (it prefixes default_pass_scheme when there are no braces).
std::optional<StoredPassword> split_scheme(std::string_view stored) {
  if (stored.starts_with("$1$")) {
    const std::size_t salt_end = stored.find('$', 3);
    if (salt_end != std::string_view::npos) {
      const std::size_t hash_end = stored.find('$', salt_end + 1);
      return StoredPassword{"MD5-CRYPT", stored.substr(0, hash_end)};
    }
  }
  const std::size_t close = stored.find('}');
  if (!stored.starts_with("{") || close == std::string_view::npos) {
    return std::nullopt;
  }
  return StoredPassword{stored.substr(1, close - 1), stored.substr(close + 1)};
}

std::string unsupported_message(const Scheme& scheme, const std::string& written) {
  if (scheme.name == "OTP") {
    return "Unknown scheme " + written + " (loginref does not support OTP)";
  }
  return "Unknown scheme " + written;
}

VerifyResult outcome_of(const std::string& scheme, const Verdict& verdict) {
  if (verdict.outcome == VerifyOutcome::error) {
    return {VerifyOutcome::error, scheme, "Invalid password in passdb: " + verdict.error};
  }
  return {verdict.outcome, scheme, {}};
}

} // namespace

VerifyResult verify_password(std::string_view plaintext, std::string_view stored,
                             std::string_view user) {
  const std::optional<StoredPassword> split = split_scheme(until_nul(stored));
  if (!split) {
    return {VerifyOutcome::error,
            {},
            "Password has no {SCHEME} prefix (passdb-sql adds default_pass_scheme)"};
  }
  const std::string scheme(split->scheme);
  const std::optional<SchemeChoice> choice = lookup_scheme(scheme);
  if (!choice) {
    return {VerifyOutcome::unknown_scheme, scheme, "Unknown scheme " + scheme};
  }
  if (choice->scheme->availability == Availability::unsupported) {
    return {VerifyOutcome::unknown_scheme, scheme, unsupported_message(*choice->scheme, scheme)};
  }
  const DecodeOutcome decoded = decode_password(split->data, *choice);
  if (!decoded.valid) {
    return {VerifyOutcome::invalid_data, scheme,
            "Password data is not valid for scheme " + scheme + ": " + decoded.error};
  }
  return outcome_of(scheme, run_verify(*choice->scheme, Attempt{plaintext, decoded.raw, user}));
}

std::vector<std::string> supported_schemes() {
  std::vector<std::string> names;
  for (const Scheme& scheme : k_schemes) {
    if (scheme.availability != Availability::unsupported && registered(scheme)) {
      names.emplace_back(scheme.name);
    }
  }
  return names;
}

} // namespace loginref
