// crypt(3)-based password schemes as Dovecot 2.3.19 verifies and registers
// them (src/auth/password-scheme-crypt.c, password-scheme-md5crypt.c), on
// libxcrypt.
#include "core/password_scheme_crypt.hpp"

#include "core/digest.hpp"
#include "core/strfuncs.hpp"

#include <crypt.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace loginref {

namespace {

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

} // namespace

// Dovecot's md5crypt always produces "$1$<salt>$<hash>", so a stored value
// not starting with "$1$" can never match.
Verdict verify_md5_crypt(const Attempt& attempt) {
  const std::string_view stored = c_string(attempt.raw);
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
  const std::string_view stored = c_string(attempt.raw);
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
  const std::string_view stored = c_string(raw);
  if (stored.empty()) {
    return matched_if(false);
  }
  return matched_if(timing_safe_equal(system_crypt(attempt.plaintext, stored), stored));
}

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

} // namespace loginref
