// Password verification the way Dovecot 2.3.19 does it for passdb-sql:
// password_get_scheme(), password_decode() and password_verify() in
// src/auth/password-scheme.c, with its scheme table and the schemes it
// implements itself. The crypt(3), PBKDF2 and SCRAM schemes have a file pair
// each (password_scheme_crypt, _pbkdf2, _scram), as Dovecot has
// password-scheme-{crypt,md5crypt,pbkdf2,scram}.c. Digests come from
// digest.hpp (OpenSSL, loaded on first use) and crypt hashes from libxcrypt;
// nothing here implements a hash.
#include "core/password_scheme.hpp"

#include "core/base64.hpp"
#include "core/digest.hpp"
#include "core/hex_binary.hpp"
#include "core/password_scheme_crypt.hpp"
#include "core/password_scheme_pbkdf2.hpp"
#include "core/password_scheme_scram.hpp"
#include "core/password_scheme_verify.hpp"
#include "core/strfuncs.hpp"

#include <sodium.h>

#include <array>
#include <optional>
#include <utility>

namespace loginref {
namespace {

// ---------------------------------------------------------------------------
// Verification functions, one per kind of scheme (those of
// password_scheme_crypt.hpp, _pbkdf2.hpp and _scram.hpp aside)
// ---------------------------------------------------------------------------

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
// The scheme table (builtin_schemes plus the crypt and sodium ones; the
// crypt self-tests are password_scheme_crypt.cpp's)
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

// Whether Dovecot would have this scheme in its table at all.
bool registered(const Scheme& scheme) {
  return scheme.availability != Availability::crypt_self_test ||
         crypt_scheme_registered(scheme.name);
}

// Dovecot keys its scheme table with strcasecmp.
const Scheme* find_scheme(std::string_view name) {
  for (const Scheme& scheme : k_schemes) {
    if (iequals(scheme.name, name) && registered(scheme)) {
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
  if (iequals(suffix, "b64") || iequals(suffix, "base64")) {
    return SchemeChoice{scheme, Encoding::base64, true};
  }
  if (iequals(suffix, "hex")) {
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
  std::optional<std::string> decoded = std::string(data);
  if (encoding == Encoding::hex) {
    decoded = hex_to_binary(data);
    if (!decoded && !guessed) {
      return {false, {}, "Input isn't valid HEX encoded data"};
    }
  }
  if (encoding == Encoding::base64 || !decoded) {
    decoded = base64_decode(data);
    if (!decoded) {
      return {false, {}, "Input isn't valid base64 encoded data"};
    }
  }
  if (scheme.raw_length != 0 && decoded->size() != scheme.raw_length) {
    return {false,
            {},
            "Input length isn't valid (" + std::to_string(decoded->size()) + " instead of " +
                std::to_string(scheme.raw_length) + ")"};
  }
  return {true, *decoded, {}};
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
  const std::string_view stored = c_string(attempt.raw);
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
  const std::optional<StoredPassword> split = split_scheme(c_string(stored));
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
