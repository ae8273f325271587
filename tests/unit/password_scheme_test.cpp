// Reference values come from `doveadm pw` of Debian 12's dovecot-core
// 2.3.19.1 (password "secret"; DIGEST-MD5 with -u), and edge cases were
// checked with `doveadm pw -t`, unless a comment says otherwise.
#include "core/password_scheme.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace loginref {
namespace {

using ::testing::Contains;
using ::testing::Not;

std::string name_of(VerifyOutcome outcome) {
  switch (outcome) {
  case VerifyOutcome::match:
    return "match";
  case VerifyOutcome::mismatch:
    return "mismatch";
  case VerifyOutcome::unknown_scheme:
    return "unknown_scheme";
  case VerifyOutcome::invalid_data:
    return "invalid_data";
  case VerifyOutcome::error:
    return "error";
  }
  return "?";
}

std::string check(std::string_view plaintext, std::string_view stored,
                  std::string_view user = "user@realm") {
  return name_of(verify_password(plaintext, stored, user).outcome);
}

std::string message_of(std::string_view plaintext, std::string_view stored) {
  return verify_password(plaintext, stored, "user@realm").message;
}

// --- Every scheme against doveadm's own output --------------------------------

struct Reference {
  const char* label;
  const char* stored;
};

class DoveadmReference : public ::testing::TestWithParam<Reference> {};

TEST_P(DoveadmReference, RightPasswordMatches) {
  const VerifyResult result = verify_password("secret", GetParam().stored, "user@realm");
  EXPECT_EQ("match", name_of(result.outcome)) << result.message;
  EXPECT_EQ("", result.message);
}

TEST_P(DoveadmReference, WrongPasswordDoesNotMatch) {
  EXPECT_EQ("mismatch", check("Secret", GetParam().stored));
  EXPECT_EQ("mismatch", check("", GetParam().stored));
}

const Reference k_references[] = {
    {"PLAIN", "{PLAIN}secret"},
    {"CLEAR", "{CLEAR}secret"},
    {"CLEARTEXT", "{CLEARTEXT}secret"},
    {"PLAIN_TRUNC", "{PLAIN-TRUNC}6-secret"}, // hand-written: doveadm omits the length
    {"CRYPT_blowfish", "{CRYPT}$2y$05$0LvQzP/75epjMPnDfffsleh0K9fI7WweLpIb2lnlzpCUvy6B6KXTa"},
    {"MD5_CRYPT", "{MD5-CRYPT}$1$16feUhGC$GahxzmAFX3SZTQ8Z.SxNy/"},
    {"DES_CRYPT", "{DES-CRYPT}xu/llWsBI3Gac"},
    {"SHA256_CRYPT",
     "{SHA256-CRYPT}$5$b53MVD0YlCppf0rZ$BwbdVojOqExUaNq8sPNEM3D2xAH/i4eadeTqFoPegs7"},
    {"SHA256_CRYPT_rounds",
     "{SHA256-CRYPT}$5$rounds=1000$Aeho.ksy4vALYxGE$0yxaGhXEecz4woH9LkspcfiQDwQqtMz75/oypdTeOq9"},
    {"SHA512_CRYPT", "{SHA512-CRYPT}$6$BAzcy96A1fUtiAsP$vnUDqdPyCUtpQFOTL7ypFbNCcdKc1LIK2VwRn4BrKb"
                     "jN6/5p1y2NRSU.9.NzhWgA8fsFG8L8nB2IOpx3vBL4F1"},
    {"SHA512_CRYPT_rounds",
     "{SHA512-CRYPT}$6$rounds=1000$SlMA7/EBgwfqJUju$3VeUFwT/TmVe6rMe2bzE44JRUxIokKLKFl/1TgOlsLcR"
     "OYkdxsdUBFgNt/YpGh9X05FLbiDKuLKfIarNsLt9W/"},
    {"BLF_CRYPT", "{BLF-CRYPT}$2y$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc501Sp/T3O"},
    {"MD5", "{MD5}$1$mbpSVNnA$EA0/TlIqaqayLsjiJbEcC."},
    {"SHA", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ="},
    {"SHA1", "{SHA1}5en6G6MezRroT3XKqkdPOmY/BfQ="},
    {"SHA256", "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols="},
    {"SHA512", "{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZKnvCXdhztmeD2cmW192CF5b"
               "DufKRpayrW/isg=="},
    {"SMD5", "{SMD5}sPyCw2ASOu5QccI5+fzdA0K1KRc="},
    {"SSHA", "{SSHA}ZlfF7BcK8ZQyi1IiVt48hTbcoBlvs6Qb"},
    {"SSHA256", "{SSHA256}/B/9qvp0NfGv3qxgNUP57WCI8BvCv0nPTqopEGSuqYv/kLN1"},
    {"SSHA512", "{SSHA512}8suyumlOlYwWt1IXzNNV9yn9OvNNraNBVosjXKp9UdyXV3LaZSWGqLljEMU5JPQYW2Zv8"
                "2Yu2A5p29Uyagx/3G1QIKU="},
    {"PLAIN_MD4", "{PLAIN-MD4}67d3dafef63ff00603aeef3769cfbf0d"},
    {"PLAIN_MD5", "{PLAIN-MD5}5ebe2294ecd0e0f08eab7690d2a6ee69"},
    {"LDAP_MD5", "{LDAP-MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ=="},
    {"CRAM_MD5", "{CRAM-MD5}cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a81bbaac395731b56"},
    {"HMAC_MD5", "{HMAC-MD5}cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a81bbaac395731b56"},
    {"DIGEST_MD5", "{DIGEST-MD5}fb6cb9e166c6c764ff2bdea12175a8aa"},
    {"SCRAM_SHA_1", "{SCRAM-SHA-1}4096,D87LIZahzbnsNCkCKxKVQA==,ryssbq6qB4yp9XRSqY+Wk2nd2MA=,"
                    "9h2DeUXYjXZHL90JoJt3B9dboYc="},
    {"SCRAM_SHA_256",
     "{SCRAM-SHA-256}4096,qKmePiiEZfBA/zuF4DYqmg==,wRGpn7rKDofy+ygXQ6xOuYkegS9vLBrw4iGPLxmdMu4=,"
     "rmyYzgRG6Cox12NqZE0KLrNuWZjD6+uHF43RjMk88Qs="},
    {"PBKDF2", "{PBKDF2}$1$B1cgki17txBOXT0L$5000$fe8f234c55732e5e9f6e141a499ef5b7d53223ee"},
    {"PBKDF2_one_round", "{PBKDF2}$1$NFbPg/2vCCaNZn8G$1$e8c8a74720e2e443cfdead7b310f6c26c236060d"},
    // Encoding suffixes, as doveadm writes them (upper-case).
    {"SHA_hex", "{SHA.HEX}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"},
    {"SHA256_hex", "{SHA256.HEX}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"},
    {"SHA512_hex", "{SHA512.HEX}bd2b1aaf7ef4f09be9f52ce2d8d599674d81aa9d6a4421696dc4d93dd0619d68"
                   "2ce56b4d64a9ef097761ced99e0f67265b5f76085e5b0ee7ca4696b2ad6fe2b2"},
    {"PLAIN_MD5_b64", "{PLAIN-MD5.B64}Xr4ilOzQ4PCOq3aQ0qbuaQ=="},
    {"PLAIN_MD4_base64", "{PLAIN-MD4.BASE64}Z9Pa/vY/8AYDru83ac+/DQ=="},
    {"CRAM_MD5_b64", "{CRAM-MD5.B64}zTun3qrW5cojRIukLjeXR6ng9/H7wAyKgbuqw5VzG1Y="},
    {"DIGEST_MD5_b64", "{DIGEST-MD5.B64}+2y54WbGx2T/K96hIXWoqg=="},
    {"SSHA_hex", "{SSHA.HEX}9c9588b291efbd311cae77dad402eb15d558791040ad05ef"},
    {"SSHA256_hex",
     "{SSHA256.HEX}46fcc561aab5448cb3e07fdef3d2985fb34a51dad9ed9b9139fbd8d765b8fa13dbb97867"},
    {"SMD5_hex", "{SMD5.HEX}cd4ac8ef24da500a99f3e883ffb3e5b291b66c08"},
    {"MD5_hex", "{MD5.HEX}243124767559536935557424416c576658394979743779366d7137586d41596f582e"},
};

INSTANTIATE_TEST_SUITE_P(AllSchemes, DoveadmReference, ::testing::ValuesIn(k_references),
                         [](const ::testing::TestParamInfo<Reference>& info) {
                           return std::string(info.param.label);
                         });

// --- Scheme names and encodings ----------------------------------------------

TEST(PasswordScheme, SchemeNamesAreCaseInsensitive) {
  EXPECT_EQ("match", check("secret", "{plain}secret"));
  EXPECT_EQ("match", check("secret", "{Ssha}ZlfF7BcK8ZQyi1IiVt48hTbcoBlvs6Qb"));
  EXPECT_EQ("match", check("secret", "{sha.hex}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"));
  EXPECT_EQ("match", check("secret", "{sha.Hex}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"));
  EXPECT_EQ("match", check("secret", "{plain-md5.b64}Xr4ilOzQ4PCOq3aQ0qbuaQ=="));
  EXPECT_EQ("match",
            check("secret", "{sha512-crypt}$6$BAzcy96A1fUtiAsP$vnUDqdPyCUtpQFOTL7ypFbNCcd"
                            "Kc1LIK2VwRn4BrKbjN6/5p1y2NRSU.9.NzhWgA8fsFG8L8nB2IOpx3vBL4F1"));
}

TEST(PasswordScheme, ResultNamesTheSchemeAsWrittenInBraces) {
  EXPECT_EQ("sha.Hex",
            verify_password("x", "{sha.Hex}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4", "").scheme);
}

TEST(PasswordScheme, FixedLengthHashOfTwiceTheRawLengthIsReadAsHex) {
  EXPECT_EQ("match", check("secret", "{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"));
  EXPECT_EQ("match", check("secret", "{SHA256}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a"
                                     "25fe97bf527a25b"));
  EXPECT_EQ("match", check("secret", "{SHA}E5E9FA1BA31ECD1AE84F75CAAA474F3A663F05F4"));
}

TEST(PasswordScheme, FixedLengthHashOfOtherLengthIsReadAsBase64) {
  EXPECT_EQ("match", check("secret", "{PLAIN-MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ=="));
  EXPECT_EQ("match", check("secret", "{CRAM-MD5}zTun3qrW5cojRIukLjeXR6ng9/H7wAyKgbuqw5VzG1Y="));
}

TEST(PasswordScheme, HexLengthThatIsNotHexFallsBackToBase64) {
  // 24 base64 characters plus 8 ignored spaces: hex length, but not hex.
  EXPECT_EQ("match", check("secret", "{PLAIN-MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==        "));
}

TEST(PasswordScheme, HexLengthThatIsNeitherHexNorBase64IsInvalid) {
  EXPECT_EQ("Password data is not valid for scheme PLAIN-MD5: Input isn't valid base64 encoded "
            "data",
            message_of("secret", "{PLAIN-MD5}5ebe2294ecd0e0f08eab7690d2a6ee6!"));
}

TEST(PasswordScheme, HexSuffixRejectsNonHexData) {
  const VerifyResult result =
      verify_password("secret", "{SHA.hex}5en6G6MezRroT3XKqkdPOmY/BfQ=", "");
  EXPECT_EQ("invalid_data", name_of(result.outcome));
  EXPECT_EQ("Password data is not valid for scheme SHA.hex: Input isn't valid HEX encoded data",
            result.message);
}

TEST(PasswordScheme, HexSuffixRejectsOddLength) {
  EXPECT_EQ("invalid_data", check("secret", "{SSHA.hex}9c9588b291efbd311cae77dad402eb15d55879104"
                                            "0ad05e"));
}

TEST(PasswordScheme, Base64SuffixDisablesHexGuessing) {
  EXPECT_EQ("Password data is not valid for scheme SHA.b64: Input length isn't valid (30 instead "
            "of 20)",
            message_of("secret", "{SHA.b64}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"));
}

TEST(PasswordScheme, Base64WithoutPaddingIsInvalid) {
  EXPECT_EQ("Password data is not valid for scheme SHA: Input isn't valid base64 encoded data",
            message_of("secret", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ"));
}

TEST(PasswordScheme, Base64WithGarbageIsInvalid) {
  EXPECT_EQ("invalid_data", check("secret", "{SSHA}ZlfF7BcK8ZQy*i1IiVt48hTbcoBlvs6Qb"));
  EXPECT_EQ("invalid_data", check("secret", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=A"));
  EXPECT_EQ("invalid_data", check("secret", "{LDAP-MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ="));
}

TEST(PasswordScheme, Base64IgnoresWhitespace) {
  EXPECT_EQ("match", check("secret", "{SHA}5en6G6Me zRroT3XK\tqkdPOmY/BfQ=\n"));
}

TEST(PasswordScheme, DecodedLengthMustMatchTheScheme) {
  const VerifyResult result = verify_password("secret", "{SHA256}AAAA", "");
  EXPECT_EQ("invalid_data", name_of(result.outcome));
  EXPECT_EQ("Password data is not valid for scheme SHA256: Input length isn't valid (3 instead "
            "of 32)",
            result.message);
}

// --- Unknown and unsupported schemes -----------------------------------------

TEST(PasswordScheme, UnknownSchemeUsesDovecotWording) {
  const VerifyResult result = verify_password("secret", "{FOO}secret", "");
  EXPECT_EQ("unknown_scheme", name_of(result.outcome));
  EXPECT_EQ("FOO", result.scheme);
  EXPECT_EQ("Unknown scheme FOO", result.message);
}

TEST(PasswordScheme, UnknownEncodingSuffixMakesTheSchemeUnknown) {
  EXPECT_EQ("Unknown scheme SHA.base32", message_of("secret", "{SHA.base32}x"));
  EXPECT_EQ("Unknown scheme SHA.", message_of("secret", "{SHA.}x"));
  EXPECT_EQ("Unknown scheme SHA.hex.b64", message_of("secret", "{SHA.hex.b64}x"));
}

TEST(PasswordScheme, EmptySchemeIsUnknown) {
  EXPECT_EQ("Unknown scheme ", message_of("secret", "{}secret"));
}

// Hashes from `doveadm pw -s ARGON2ID|ARGON2I -p secret` (Debian's Dovecot 2.3.19.1).
TEST(PasswordScheme, ArgonVerifiesWithLibsodiumAsDebiansDovecotDoes) {
  const std::string argon2id =
      "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$rQqzLE8HaiPJQph0lN8ulQ$Z/rGJLrgfdbalZTmCYO/6rGAB+2"
      "tDO1mPaDrVQedJ4M";
  const std::string argon2i = "{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$e+kpf/ZbMAa1afJoS8MFPQ$"
                              "t04fci+9vcGYbqcTxD+kjEvNBoOE2brA/swMxTdZJUM";
  EXPECT_EQ("match", name_of(verify_password("secret", argon2id, "").outcome));
  EXPECT_EQ("mismatch", name_of(verify_password("wrong", argon2id, "").outcome));
  EXPECT_EQ("match", name_of(verify_password("secret", argon2i, "").outcome));
  EXPECT_EQ("mismatch", name_of(verify_password("wrong", argon2i, "").outcome));
  // Garbage is a mismatch too: crypto_pwhash_str_verify just fails.
  EXPECT_EQ("mismatch", name_of(verify_password("secret", "{ARGON2ID}garbage", "").outcome));
}

TEST(PasswordScheme, OtpIsReportedAsUnsupported) {
  EXPECT_EQ("Unknown scheme otp (loginref does not support OTP)",
            message_of("secret", "{otp}sha1 1024 8712253e49e6005a d3e5b03a4407400f"));
}

TEST(PasswordScheme, SupportedSchemesListsVerifiableSchemesOnly) {
  const std::vector<std::string> names = supported_schemes();
  for (const char* name : {"PLAIN", "MD5", "SHA512-CRYPT", "BLF-CRYPT", "DES-CRYPT", "PBKDF2",
                           "SCRAM-SHA-256", "CRAM-MD5", "DIGEST-MD5", "PLAIN-MD4"}) {
    EXPECT_THAT(names, Contains(name));
  }
  EXPECT_THAT(names, Contains("ARGON2I"));
  EXPECT_THAT(names, Contains("ARGON2ID"));
  EXPECT_THAT(names, Not(Contains("OTP")));
}

TEST(PasswordScheme, ValueWithoutSchemeIsAnError) {
  EXPECT_EQ("error", check("secret", "secret"));
  EXPECT_EQ("error", check("secret", "{PLAIN"));
}

TEST(PasswordScheme, BareMd5CryptIsDetectedLikePasswordGetScheme) {
  const VerifyResult result = verify_password("secret", "$1$16feUhGC$GahxzmAFX3SZTQ8Z.SxNy/", "");
  EXPECT_EQ("match", name_of(result.outcome));
  EXPECT_EQ("MD5-CRYPT", result.scheme);
}

TEST(PasswordScheme, BraceInsideDataBelongsToTheData) {
  EXPECT_EQ("match", check("a}b", "{PLAIN}a}b"));
}

// --- Empty stored values -----------------------------------------------------

TEST(PasswordScheme, EmptyPlainMatchesOnlyAnEmptyPassword) {
  EXPECT_EQ("match", check("", "{PLAIN}"));
  EXPECT_EQ("mismatch", check("secret", "{PLAIN}"));
}

TEST(PasswordScheme, EmptyMd5IsAnError) {
  const VerifyResult result = verify_password("", "{MD5}", "");
  EXPECT_EQ("error", name_of(result.outcome));
  EXPECT_EQ("Invalid password in passdb: Not a valid MD5-CRYPT or PLAIN-MD5 password",
            result.message);
}

TEST(PasswordScheme, EmptyFixedLengthHashIsInvalidData) {
  EXPECT_EQ("Password data is not valid for scheme PLAIN-MD5: Input length isn't valid (0 "
            "instead of 16)",
            message_of("", "{PLAIN-MD5}"));
}

TEST(PasswordScheme, EmptyCryptNeverMatches) {
  EXPECT_EQ("mismatch", check("", "{CRYPT}"));
  EXPECT_EQ("mismatch", check("", "{BLF-CRYPT}"));
  EXPECT_EQ("mismatch", check("", "{SHA512-CRYPT}"));
  EXPECT_EQ("mismatch", check("", "{MD5-CRYPT}"));
}

TEST(PasswordScheme, EmptyPasswordHashesVerify) {
  EXPECT_EQ("match", check("", "{PLAIN-MD5}d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_EQ("match", check("", "{PLAIN-MD4}31d6cfe0d16ae931b73c59d7e0c089c0"));
  EXPECT_EQ("match", check("", "{MD5-CRYPT}$1$0nB4x3Dz$WC9oxbN/4yORzTXGM/QG01"));
  EXPECT_EQ("match", check("", "{SCRAM-SHA-1}4096,BsnSXUuWKFwTpZHH65SI4A==,0HIB/JlqTILHGCYRUuAtbT"
                               "AzpPc=,UjdsS7VSSJW4jpBBWr9wDTOaRic="));
}

// --- MD5 and MD5-CRYPT -------------------------------------------------------

TEST(PasswordScheme, Md5AcceptsPlainMd5InHexOrBase64) {
  EXPECT_EQ("match", check("secret", "{MD5}5ebe2294ecd0e0f08eab7690d2a6ee69"));
  EXPECT_EQ("match", check("secret", "{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ=="));
  EXPECT_EQ("mismatch", check("Secret", "{MD5}5ebe2294ecd0e0f08eab7690d2a6ee69"));
}

TEST(PasswordScheme, Md5RejectsDataThatIsNeitherMd5CryptNorPlainMd5) {
  EXPECT_EQ("Invalid password in passdb: Not a valid MD5-CRYPT or PLAIN-MD5 password",
            message_of("secret", "{MD5}secret"));
}

TEST(PasswordScheme, Md5CryptMatchesOpensslPasswd) {
  // `openssl passwd -1 -salt abc secret`, an implementation independent of libxcrypt.
  EXPECT_EQ("match", check("secret", "{MD5-CRYPT}$1$abc$iCQ2D3nhptRYi27fDYv2s1"));
}

TEST(PasswordScheme, Md5CryptWithoutMagicNeverMatches) {
  EXPECT_EQ("mismatch", check("secret", "{MD5-CRYPT}16feUhGC$GahxzmAFX3SZTQ8Z.SxNy/"));
}

TEST(PasswordScheme, Md5CryptSaltLibxcryptRejectsIsReported) {
  EXPECT_EQ("Invalid password in passdb: loginref cannot compute MD5-CRYPT for salt 'a:b': "
            "Invalid argument",
            message_of("secret", "{MD5-CRYPT}$1$a:b$GahxzmAFX3SZTQ8Z.SxNy/"));
}

// --- CRYPT family ------------------------------------------------------------

TEST(PasswordScheme, CryptUsesSystemCryptForSha2AndDes) {
  EXPECT_EQ("match", check("secret", "{CRYPT}xu/llWsBI3Gac"));
  EXPECT_EQ("match", check("secret", "{CRYPT}$5$b53MVD0YlCppf0rZ$BwbdVojOqExUaNq8sPNEM3D2xAH/i4ea"
                                     "deTqFoPegs7"));
  EXPECT_EQ("match", check("secret", "{CRYPT}$1$16feUhGC$GahxzmAFX3SZTQ8Z.SxNy/"));
}

TEST(PasswordScheme, CryptAcceptsWhateverSystemCryptKnows) {
  // yescrypt from perl's crypt(), i.e. libxcrypt, which Debian's Dovecot also calls.
  EXPECT_EQ("match", check("secret", "{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gkl"
                                     "Ua1dM3ziD43YxYNURLKy0"));
}

TEST(PasswordScheme, ShaCryptSchemeNameDoesNotRestrictTheAlgorithm) {
  // DES-CRYPT, SHA256-CRYPT and SHA512-CRYPT all call crypt() on the value.
  EXPECT_EQ("match", check("secret", "{SHA512-CRYPT}xu/llWsBI3Gac"));
}

TEST(PasswordScheme, UnusableCryptSettingIsAMismatch) {
  EXPECT_EQ("mismatch", check("secret", "{CRYPT}*0"));
  EXPECT_EQ("mismatch", check("secret", "{SHA512-CRYPT}!locked"));
}

TEST(PasswordScheme, BlowfishAcceptsEveryLowercaseVariant) {
  // For ASCII passwords $2a$, $2b$ and $2y$ hashes are identical.
  EXPECT_EQ("match", check("secret", "{BLF-CRYPT}$2b$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1"
                                     "kc501Sp/T3O"));
  EXPECT_EQ("match", check("secret", "{CRYPT}$2a$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc5"
                                     "01Sp/T3O"));
}

TEST(PasswordScheme, BlowfishHandlesEightBitPasswords) {
  EXPECT_EQ("match", check("p\xc3\xa4ssword", "{BLF-CRYPT}$2y$05$OSNAEgfNrq2wlWovF6umwOJ0QRdTKrGb"
                                              "b.3HN7HaLTy/ayOgdZS6K"));
}

TEST(PasswordScheme, CryptRoutesDollarTwoToBlowfishChecks) {
  EXPECT_EQ("Invalid password in passdb: Password is not blowfish password",
            message_of("secret", "{CRYPT}$2Y$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc501Sp"
                                 "/T3O"));
  EXPECT_EQ("Invalid password in passdb: Password is not blowfish password",
            message_of("secret", "{CRYPT}$2y$05$short"));
}

TEST(PasswordScheme, BlowfishVariantUnknownToCryptIsAnError) {
  EXPECT_EQ("Invalid password in passdb: crypt_blowfish_rn failed: Invalid argument",
            message_of("secret", "{BLF-CRYPT}$2c$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc5"
                                 "01Sp/T3O"));
}

// --- Salted digests ----------------------------------------------------------

TEST(PasswordScheme, SaltedDigestWithoutSaltIsAnError) {
  EXPECT_EQ("Invalid password in passdb: SSHA password is too short",
            message_of("secret", "{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ="));
  EXPECT_EQ("Invalid password in passdb: SMD5 password is too short",
            message_of("secret", "{SMD5}Xr4ilOzQ4PCOq3aQ0qbuaQ=="));
  EXPECT_EQ("Invalid password in passdb: SSHA256 password is too short",
            message_of("secret", "{SSHA256}AAAA"));
  EXPECT_EQ("Invalid password in passdb: SSHA512 password is too short",
            message_of("secret", "{SSHA512}"));
}

// --- PLAIN-TRUNC -------------------------------------------------------------

TEST(PasswordScheme, PlainTruncWithoutLengthIsAnError) {
  // This is what `doveadm pw -s PLAIN-TRUNC` writes, yet it cannot be verified.
  EXPECT_EQ("Invalid password in passdb: PLAIN-TRUNC missing length: prefix",
            message_of("secret", "{PLAIN-TRUNC}secret"));
}

TEST(PasswordScheme, PlainTruncAcceptsLongerPasswordsWithTheStoredPrefix) {
  EXPECT_EQ("match", check("secret", "{PLAIN-TRUNC}3-sec"));
  EXPECT_EQ("match", check("secret2", "{PLAIN-TRUNC}6-secret"));
  EXPECT_EQ("mismatch", check("se", "{PLAIN-TRUNC}3-sec"));
}

TEST(PasswordScheme, PlainTruncShorterThanItsLengthNeedsAnExactMatch) {
  EXPECT_EQ("match", check("secret", "{PLAIN-TRUNC}10-secret"));
  EXPECT_EQ("mismatch", check("secret2", "{PLAIN-TRUNC}10-secret"));
}

// --- CRAM-MD5 and DIGEST-MD5 -------------------------------------------------

TEST(PasswordScheme, CramMd5HashesKeysLongerThanOneBlock) {
  EXPECT_EQ("match",
            check(std::string(70, 'k'),
                  "{CRAM-MD5}48841cb6af67d6831ff5f85da70033ee0e938840e352117c89783e8f640ea6ac"));
}

TEST(PasswordScheme, DigestMd5SplitsTheUserAtTheLastAt) {
  EXPECT_EQ("match",
            check("secret", "{DIGEST-MD5}3d8c249075d22b930b8b9adf393e285b", "user@domain@realm"));
  EXPECT_EQ("match", check("secret", "{DIGEST-MD5}6236812f8f85011871b09aaaf8cec808", "plainuser"));
}

TEST(PasswordScheme, DigestMd5DependsOnTheUser) {
  EXPECT_EQ("mismatch",
            check("secret", "{DIGEST-MD5}fb6cb9e166c6c764ff2bdea12175a8aa", "other@realm"));
}

// --- SCRAM -------------------------------------------------------------------

TEST(PasswordScheme, ScramNeedsFourFields) {
  EXPECT_EQ("Invalid password in passdb: Invalid SCRAM-SHA-1 passdb entry format",
            message_of("secret", "{SCRAM-SHA-1}4096,D87LIZahzbnsNCkCKxKVQA==,ryssbq6qB4yp9XRSqY+"
                                 "Wk2nd2MA="));
  EXPECT_EQ("Invalid password in passdb: Invalid SCRAM-SHA-256 passdb entry format",
            message_of("secret", "{SCRAM-SHA-256}"));
}

TEST(PasswordScheme, ScramNeedsAtLeast4096Iterations) {
  EXPECT_EQ("Invalid password in passdb: Invalid SCRAM-SHA-1 iteration count in passdb",
            message_of("secret", "{SCRAM-SHA-1}4095,D87LIZahzbnsNCkCKxKVQA==,ryssbq6qB4yp9XRSqY+"
                                 "Wk2nd2MA=,9h2DeUXYjXZHL90JoJt3B9dboYc="));
}

TEST(PasswordScheme, ScramKeysMustBeDigestSizedBase64) {
  EXPECT_EQ("Invalid password in passdb: Invalid SCRAM-SHA-1 StoredKey in passdb",
            message_of("secret", "{SCRAM-SHA-1}4096,D87LIZahzbnsNCkCKxKVQA==,ryssbq6qB4yp9XRSqY,"
                                 "9h2DeUXYjXZHL90JoJt3B9dboYc="));
  EXPECT_EQ("Invalid password in passdb: Invalid SCRAM-SHA-256 ServerKey in passdb",
            message_of("secret", "{SCRAM-SHA-256}4096,qKmePiiEZfBA/zuF4DYqmg==,wRGpn7rKDofy+ygXQ6x"
                                 "OuYkegS9vLBrw4iGPLxmdMu4=,9h2DeUXYjXZHL90JoJt3B9dboYc="));
}

// --- PBKDF2 ------------------------------------------------------------------

TEST(PasswordScheme, Pbkdf2FormatErrorsUseDovecotWording) {
  EXPECT_EQ("Invalid password in passdb: Invalid PBKDF2 passdb entry prefix",
            message_of("secret", "{PBKDF2}$2$salt$5000$fe8f234c55732e5e9f6e141a499ef5b7d53223ee"));
  EXPECT_EQ("Invalid password in passdb: Invalid PBKDF2 passdb entry format",
            message_of("secret", "{PBKDF2}$1$salt$-5$fe8f234c55732e5e9f6e141a499ef5b7d53223ee"));
  EXPECT_EQ("Invalid password in passdb: Invalid PBKDF2 passdb entry format",
            message_of("secret", "{PBKDF2}$1$salt$5000"));
  EXPECT_EQ("Invalid password in passdb: PBKDF2 hash not 160bit hex-encoded",
            message_of("secret", "{PBKDF2}$1$salt$5000$fe8f234c55732e5e9f6e141a499ef5b7d53223e"));
}

TEST(PasswordScheme, Pbkdf2WithZeroRoundsMatchesAllZeroHashLikeDovecot) {
  // pkcs5_pbkdf() fails for 0 rounds and Dovecot compares against zeroes.
  EXPECT_EQ("match",
            check("anything", "{PBKDF2}$1$salt$0$0000000000000000000000000000000000000000"));
  EXPECT_EQ(
      "mismatch",
      check("secret", "{PBKDF2}$1$B1cgki17txBOXT0L$0$fe8f234c55732e5e9f6e141a499ef5b7d53223ee"));
}

} // namespace
} // namespace loginref
