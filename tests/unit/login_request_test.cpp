#include "core/login_request.hpp"

#include "core/error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace loginref {
namespace {

using ::testing::ElementsAre;
using ::testing::StrEq;
using ::testing::ThrowsMessage;

LoginRequest login(std::string user) {
  LoginRequest request;
  request.user = std::move(user);
  request.password = "secret";
  return request;
}

NormalizedUser normalize(const std::string& user, const AuthSettings& settings = AuthSettings()) {
  return normalize_username(settings, login(user));
}

// --- -o NAME=VALUE -----------------------------------------------------------

TEST(ApplySetting, SetsEveryKnownSetting) {
  AuthSettings settings;
  apply_setting(settings, "auth_username_chars=abc");
  apply_setting(settings, "auth_username_translation=#@");
  apply_setting(settings, "auth_default_realm=example.com");
  apply_setting(settings, "auth_username_format=%Ln");
  apply_setting(settings, "auth_proxy_self=10.0.0.1 10.0.0.2");
  apply_setting(settings, "imap_capability=+XFOO");
  EXPECT_EQ(settings.auth_username_chars, "abc");
  EXPECT_EQ(settings.auth_username_translation, "#@");
  EXPECT_EQ(settings.auth_default_realm, "example.com");
  EXPECT_EQ(settings.auth_username_format, "%Ln");
  EXPECT_EQ(settings.auth_proxy_self, "10.0.0.1 10.0.0.2");
  EXPECT_EQ(settings.imap_capability, "+XFOO");
}

TEST(ApplySetting, ValueMayBeEmptyOrContainEquals) {
  AuthSettings settings;
  apply_setting(settings, "auth_username_chars=");
  apply_setting(settings, "auth_username_format=%{if;%d;eq;;a=b;%u}");
  EXPECT_EQ(settings.auth_username_chars, "");
  EXPECT_EQ(settings.auth_username_format, "%{if;%d;eq;;a=b;%u}");
}

TEST(ApplySetting, MisspeltNameSuggestsTheClosestSetting) {
  AuthSettings settings;
  EXPECT_THAT(
      [&] { apply_setting(settings, "auth_username_formt=%u"); },
      ThrowsMessage<UsageError>(
          StrEq("-o auth_username_formt: unknown setting (did you mean 'auth_username_format'?)")));
}

TEST(ApplySetting, UnrelatedNameListsKnownSettings) {
  AuthSettings settings;
  EXPECT_THAT([&] { apply_setting(settings, "foo=bar"); },
              ThrowsMessage<UsageError>(StrEq(
                  "-o foo: unknown setting (known settings: auth_username_chars, "
                  "auth_username_translation, "
                  "auth_default_realm, auth_username_format, auth_proxy_self, imap_capability)")));
}

TEST(ApplySetting, MissingEqualsOrNameIsRejected) {
  AuthSettings settings;
  EXPECT_THAT([&] { apply_setting(settings, "xyz"); },
              ThrowsMessage<UsageError>(StrEq("-o xyz: expected NAME=VALUE")));
  EXPECT_THAT([&] { apply_setting(settings, "=x"); },
              ThrowsMessage<UsageError>(StrEq("-o =x: expected NAME=VALUE")));
}

TEST(ApplySetting, NamesAreListedInDeclarationOrder) {
  EXPECT_THAT(auth_setting_names(),
              ElementsAre("auth_username_chars", "auth_username_translation", "auth_default_realm",
                          "auth_username_format", "auth_proxy_self", "imap_capability"));
}

// --- normalize_username ------------------------------------------------------

TEST(NormalizeUsername, DefaultFormatLowercases) {
  const NormalizedUser result = normalize("Alice@Example.COM");
  EXPECT_EQ(result.user, "alice@example.com");
  EXPECT_FALSE(result.refused());
  EXPECT_EQ(result.format_error, "");
}

// "%Lu" (the default) takes a shortcut past the expander; it must give
// exactly what expanding the same format another way gives.
TEST(NormalizeUsername, DefaultFormatShortcutMatchesTheExpander) {
  AuthSettings shortcut;
  shortcut.auth_username_chars = "";
  AuthSettings expanded = shortcut;
  ASSERT_EQ(shortcut.auth_username_format, "%Lu");
  expanded.auth_username_format = "%L{user}";
  for (const char* name : {"Alice@Example.COM", "\xc3\x84rger@EXAMPLE.de", "MiXeD%u{}", "A\tB"}) {
    EXPECT_EQ(normalize(name, shortcut).user, normalize(name, expanded).user) << name;
  }
}

TEST(NormalizeUsername, DefaultRealmIsAddedOnlyWithoutAt) {
  AuthSettings settings;
  settings.auth_default_realm = "Example.com";
  EXPECT_EQ(normalize("alice", settings).user, "alice@example.com");
  EXPECT_EQ(normalize("alice@other.org", settings).user, "alice@other.org");
}

TEST(NormalizeUsername, TranslationMapsCharacterPairs) {
  AuthSettings settings;
  settings.auth_username_translation = "#@+.";
  EXPECT_EQ(normalize("alice#example+com", settings).user, "alice@example.com");
}

TEST(NormalizeUsername, LaterTranslationPairWinsAndOddCharacterIsIgnored) {
  AuthSettings settings;
  settings.auth_username_translation = "a1a2b";
  EXPECT_EQ(normalize("abab", settings).user, "2b2b");
}

TEST(NormalizeUsername, TranslationIsNotChained) {
  AuthSettings settings;
  settings.auth_username_translation = "abbc";
  EXPECT_EQ(normalize("ab", settings).user, "bc");
}

TEST(NormalizeUsername, DisallowedCharacterIsRefusedWithDovecotsMessage) {
  const NormalizedUser result = normalize("o'hara");
  EXPECT_TRUE(result.refused());
  EXPECT_EQ(result.refusal,
            "Username character disallowed by auth_username_chars: 0x27 (username: o'hara)");
  EXPECT_EQ(result.user, "");
}

TEST(NormalizeUsername, CharacterCheckSeesTheTranslatedCharacter) {
  AuthSettings settings;
  settings.auth_username_translation = "'_";
  EXPECT_EQ(normalize("o'hara", settings).user, "o_hara");
  settings.auth_username_translation = "x'";
  EXPECT_EQ(normalize("xy", settings).refusal,
            "Username character disallowed by auth_username_chars: 0x27 (username: xy)");
}

TEST(NormalizeUsername, CharacterCheckCoversTheDefaultRealm) {
  AuthSettings settings;
  settings.auth_default_realm = "bad realm";
  EXPECT_EQ(normalize("alice", settings).refusal,
            "Username character disallowed by auth_username_chars: 0x20 (username: alice)");
}

TEST(NormalizeUsername, EmptyCharsSettingAllowsEverything) {
  AuthSettings settings;
  settings.auth_username_chars = "";
  EXPECT_EQ(normalize("O'Hara J\xc3\xb6rg", settings).user, "o'hara j\xc3\xb6rg");
}

TEST(NormalizeUsername, NonAsciiByteIsReportedInHex) {
  EXPECT_EQ(normalize("j\xc3\xb6rg").refusal,
            "Username character disallowed by auth_username_chars: 0xc3 (username: j\xc3\xb6rg)");
}

TEST(NormalizeUsername, RefusalSanitizesControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(normalize("a\tb").refusal,
            "Username character disallowed by auth_username_chars: 0x09 (username: a?b)");
  EXPECT_EQ(normalize("a\xff").refusal,
            "Username character disallowed by auth_username_chars: 0xff (username: a?)");
}

TEST(NormalizeUsername, RefusalTruncatesLongNamesTo128Bytes) {
  const std::string name = std::string(200, 'a') + "'";
  EXPECT_EQ(normalize(name).refusal,
            "Username character disallowed by auth_username_chars: 0x27 (username: " +
                std::string(125, 'a') + "...)");
}

TEST(NormalizeUsername, RefusalTruncatesAtACharacterBoundary) {
  // 124 ASCII bytes, then a 2-byte character that would straddle byte 125.
  const std::string name = std::string(124, 'a') + "\xc3\xb6" + std::string(10, 'b') + "'";
  EXPECT_EQ(normalize(name).refusal,
            "Username character disallowed by auth_username_chars: 0xc3 (username: " +
                std::string(124, 'a') + "...)");
}

TEST(NormalizeUsername, FormatIsExpandedWithoutEscaping) {
  AuthSettings settings;
  settings.auth_username_chars = "";
  settings.auth_username_format = "%n-%s";
  EXPECT_EQ(normalize("o'hara@example.com", settings).user, "o'hara-imap");
}

TEST(NormalizeUsername, FormatSeesTheNameAsTyped) {
  AuthSettings settings;
  settings.auth_default_realm = "example.com";
  settings.auth_username_format = "%{orig_user}|%u";
  EXPECT_EQ(normalize("Alice", settings).user, "Alice|Alice@example.com");
}

TEST(NormalizeUsername, FormatDoesNotSeeThePassword) {
  AuthSettings settings;
  settings.auth_username_format = "%u%w";
  EXPECT_EQ(normalize("alice", settings).user, "alice");
}

TEST(NormalizeUsername, EmptyFormatKeepsTheName) {
  AuthSettings settings;
  settings.auth_username_format = "";
  EXPECT_EQ(normalize("Alice", settings).user, "Alice");
}

TEST(NormalizeUsername, FailedFormatIsOnlyAWarningLikeDovecot) {
  AuthSettings settings;
  settings.auth_username_format = "%{usr}";
  const NormalizedUser result = normalize("alice", settings);
  EXPECT_FALSE(result.refused());
  EXPECT_EQ(result.user, "UNSUPPORTED_VARIABLE_usr");
  EXPECT_EQ(result.format_error,
            "Failed to expand username_format=%{usr}: Unknown variable '%usr'");
}

TEST(NormalizeUsername, EmptyNameIsRefused) {
  const NormalizedUser result = normalize("");
  EXPECT_TRUE(result.refused());
  EXPECT_EQ(result.refusal, "Empty username");
}

TEST(NormalizeUsername, EmptyNameWithDefaultRealmIsJustTheRealm) {
  AuthSettings settings;
  settings.auth_default_realm = "example.com";
  EXPECT_EQ(normalize("", settings).user, "@example.com");
}

TEST(NormalizeUsername, FormatExpandingToNothingIsRefused) {
  AuthSettings settings;
  settings.auth_username_format = "%d";
  EXPECT_EQ(normalize("alice", settings).refusal, "Empty username");
}

TEST(NormalizeUsername, FailedFormatThatIsEmptyIsRefused) {
  AuthSettings settings;
  settings.auth_username_format = "%{if;x;==;1;a;b}";
  const NormalizedUser result = normalize("alice", settings);
  EXPECT_EQ(result.refusal, "Empty username");
  EXPECT_EQ(result.format_error,
            "Failed to expand username_format=%{if;x;==;1;a;b}: if: x (lhs) is not a number");
}

// --- password_has_illegal_chars ---------------------------------------------

TEST(PasswordHasIllegalChars, ControlCharactersWithInternalMeaning) {
  EXPECT_TRUE(password_has_illegal_chars("a\001b"));
  EXPECT_TRUE(password_has_illegal_chars("a\tb"));
  EXPECT_TRUE(password_has_illegal_chars("a\rb"));
  EXPECT_TRUE(password_has_illegal_chars("a\nb"));
}

TEST(PasswordHasIllegalChars, OtherCharactersAreFine) {
  EXPECT_FALSE(password_has_illegal_chars(""));
  EXPECT_FALSE(password_has_illegal_chars("p@ss w\x7f\002rd\xc3\xa9"));
}

TEST(PasswordHasIllegalChars, NothingAfterNulIsSeen) {
  EXPECT_FALSE(password_has_illegal_chars(std::string_view("ok\0\n", 4)));
}

} // namespace
} // namespace loginref
