// Expected digests were computed independently (python3 hashlib, and
// `openssl dgst -md4 -provider legacy` for MD4), never with this code.
#include "core/expand.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace loginref {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::StartsWith;

// Brackets make escaped values visible.
std::string bracket(std::string_view value) { return "[" + std::string(value) + "]"; }

AuthVars full_vars() {
  AuthVars vars;
  vars.user = "alice@example.com";
  vars.original_user = "Alice@Example.com";
  vars.service = "imap";
  vars.local_ip = "192.0.2.1";
  vars.remote_ip = "198.51.100.7";
  vars.pid = "4242";
  vars.password = "secret";
  vars.mech = "PLAIN";
  vars.secured = "TLS";
  vars.local_port = 143;
  vars.remote_port = 50000;
  vars.cert = "valid";
  vars.session = "sess1";
  vars.real_local_ip = "10.0.0.1";
  vars.real_remote_ip = "10.0.0.2";
  vars.real_local_port = 1143;
  vars.real_remote_port = 40000;
  vars.master_user = "admin@example.org";
  vars.login_user = "bob@example.net";
  vars.local_name = "mail.example.com";
  vars.client_id = "Thunderbird";
  vars.hostname = "mx1";
  vars.passdb_id = 2;
  vars.passdb_fields = {{"host", "10.1.1.1"}, {"pad", "x  \t"}};
  vars.userdb_fields = {{"home", "/home/alice"}};
  return vars;
}

AuthVars alice() {
  AuthVars vars;
  vars.user = "alice";
  vars.local_port = 143;
  return vars;
}

std::string text(std::string_view tmpl, const AuthVars& vars = alice()) {
  return expand(tmpl, vars, no_escape()).text;
}

std::string bracketed(std::string_view tmpl, const AuthVars& vars = full_vars()) {
  return expand(tmpl, vars, bracket).text;
}

std::optional<std::string> error(std::string_view tmpl, const AuthVars& vars = alice()) {
  return expand(tmpl, vars, no_escape()).error;
}

// --- the table ---------------------------------------------------------------

TEST(Expand, ShortKeysAndWhichAreEscaped) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%u", "[alice@example.com]"},
      {"%n", "[alice]"},
      {"%d", "[example.com]"},
      {"%s", "[imap]"},
      {"%h", ""},
      {"%l", "192.0.2.1"},
      {"%r", "198.51.100.7"},
      {"%p", "4242"},
      {"%w", "[secret]"},
      {"%!", "2"},
      {"%m", "[PLAIN]"},
      {"%c", "TLS"},
      {"%a", "143"},
      {"%b", "50000"},
      {"%k", "valid"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& tmpl = test_case.first;
    const std::string& expected = test_case.second;
    EXPECT_EQ(bracketed(tmpl), expected) << tmpl;
  }
}

TEST(Expand, LongNamesAndWhichAreEscaped) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"user", "[alice@example.com]"},
      {"username", "[alice]"},
      {"domain", "[example.com]"},
      {"service", "[imap]"},
      {"home", ""},
      {"lip", "192.0.2.1"},
      {"local_ip", "192.0.2.1"},
      {"rip", "198.51.100.7"},
      {"remote_ip", "198.51.100.7"},
      {"pid", "4242"},
      {"password", "[secret]"},
      {"mech", "[PLAIN]"},
      {"mechanism", "[PLAIN]"},
      {"secured", "TLS"},
      {"lport", "143"},
      {"local_port", "143"},
      {"rport", "50000"},
      {"remote_port", "50000"},
      {"cert", "valid"},
      {"login_user", "[bob@example.net]"},
      {"login_username", "[bob]"},
      {"login_domain", "[example.net]"},
      {"session", "[sess1]"},
      {"real_lip", "10.0.0.1"},
      {"real_local_ip", "10.0.0.1"},
      {"real_rip", "10.0.0.2"},
      {"real_remote_ip", "10.0.0.2"},
      {"real_lport", "1143"},
      {"real_local_port", "1143"},
      {"real_rport", "40000"},
      {"real_remote_port", "40000"},
      {"domain_first", "[example.com]"},
      {"domain_last", "[example.com]"},
      {"master_user", "[admin@example.org]"},
      {"session_pid", ""},
      {"orig_user", "[Alice@Example.com]"},
      {"original_user", "[Alice@Example.com]"},
      {"orig_username", "[Alice]"},
      {"original_username", "[Alice]"},
      {"orig_domain", "[Example.com]"},
      {"original_domain", "[Example.com]"},
      {"auth_user", "[admin@example.org]"},
      {"auth_username", "[admin]"},
      {"auth_domain", "[example.org]"},
      {"local_name", "[mail.example.com]"},
      {"client_id", "[Thunderbird]"},
      {"hostname", "mx1"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& name = test_case.first;
    const std::string& expected = test_case.second;
    const Expansion expansion = expand("%{" + name + "}", full_vars(), bracket);
    EXPECT_EQ(expansion.text, expected) << name;
    EXPECT_EQ(expansion.error, std::nullopt) << name;
  }
}

TEST(Expand, UidAndGidAreTheProcessIds) {
  EXPECT_EQ(text("%{uid}/%{gid}"), std::to_string(geteuid()) + "/" + std::to_string(getegid()));
}

TEST(Expand, DomainIsEmptyAndUnescapedWithoutAt) {
  AuthVars vars = full_vars();
  vars.user = "alice";
  EXPECT_EQ(bracketed("%n|%d|%{domain_first}|%{domain_last}", vars), "[alice]|||");
}

TEST(Expand, DomainFirstAndLastSplitAtDifferentAts) {
  AuthVars vars = full_vars();
  vars.user = "a@b@c";
  EXPECT_EQ(bracketed("%n|%d|%{domain_first}|%{domain_last}", vars), "[a]|[b@c]|[b]|[c]");
}

TEST(Expand, OrigUserDefaultsToUserAndAuthUserToOrigUser) {
  AuthVars vars = alice();
  EXPECT_EQ(text("%{orig_user}|%{auth_user}", vars), "alice|alice");
  vars.original_user = "Alice";
  EXPECT_EQ(text("%{orig_user}|%{auth_user}", vars), "Alice|Alice");
}

TEST(Expand, LoginUserPartsAreEmptyWithoutLoginUser) {
  const Expansion expansion =
      expand("[%{login_user}|%{login_username}|%{login_domain}]", alice(), bracket);
  EXPECT_EQ(expansion.text, "[||]");
  EXPECT_EQ(expansion.error, std::nullopt);
}

TEST(Expand, UnknownPortsArePrintedAsZero) { EXPECT_EQ(text("%b %{real_lport}"), "0 0"); }

// --- escaping order ----------------------------------------------------------

TEST(Expand, LowercaseRunsAfterEscaping) {
  const Expansion expansion =
      expand("%Lu", alice(), [](std::string_view v) { return "ESC(" + std::string(v) + ")"; });
  EXPECT_EQ(expansion.text, "esc(alice)");
}

TEST(Expand, ReverseReversesTheEscapeCharactersToo) {
  AuthVars vars = alice();
  vars.user = "o'hara";
  const Escaper sqlite = [](std::string_view v) {
    std::string out;
    for (char c : v) {
      out += c;
      if (c == '\'') {
        out += '\'';
      }
    }
    return out;
  };
  EXPECT_EQ(expand("%Ru", vars, sqlite).text, "arah''o");
}

TEST(Expand, Md5ModifierHashesTheEscapedValue) {
  EXPECT_EQ(expand("%Mu", alice(), bracket).text, "e7edbb621b59c0904b9a11a0ec3ec8d3");
}

TEST(Expand, WidthCountsTheEscapedValue) { EXPECT_EQ(expand("%3u", alice(), bracket).text, "[al"); }

TEST(Expand, HashFunctionsHashTheEscapedValue) {
  EXPECT_EQ(expand("%{md5:user}", alice(), bracket).text, "e7edbb621b59c0904b9a11a0ec3ec8d3");
}

TEST(Expand, NoEscapeIsIdentity) { EXPECT_EQ(no_escape()("a'b\"c\\"), "a'b\"c\\"); }

// --- modifiers ---------------------------------------------------------------

TEST(Expand, EveryModifier) {
  AuthVars vars = full_vars();
  vars.user = "Alice.O'Hara@Example.com";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%Lu", "alice.o'hara@example.com"},
      {"%Uu", "ALICE.O'HARA@EXAMPLE.COM"},
      {"%Eu", "Alice.O\\'Hara@Example.com"},
      {"%Xa", "8f"},
      {"%Xu", "0"},
      {"%Ru", "moc.elpmaxE@araH'O.ecilA"},
      {"%Dd", "Example,dc=com"},
      {"%T{passdb:pad}", "x"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& tmpl = test_case.first;
    const std::string& expected = test_case.second;
    EXPECT_EQ(text(tmpl, vars), expected) << tmpl;
  }
  EXPECT_EQ(text("%Mu"), "6384e2b2184bcbf58eccf10ca7a6563c");
  EXPECT_EQ(text("%Hu"), "682f95");
  EXPECT_EQ(text("%Nu"), "184bcbf5");
}

TEST(Expand, EscapeModifierBackslashesQuotesAndBackslash) {
  AuthVars vars = alice();
  vars.user = "a\"b'c\\d";
  EXPECT_EQ(text("%Eu", vars), "a\\\"b\\'c\\\\d");
}

TEST(Expand, HexModifierRejectsSignsAndOverflow) {
  AuthVars vars = alice();
  vars.pid = "-1";
  EXPECT_EQ(text("%Xp", vars), "0");
  vars.pid = "18446744073709551615";
  EXPECT_EQ(text("%Xp", vars), "ffffffffffffffff");
  vars.pid = "18446744073709551616";
  EXPECT_EQ(text("%Xp", vars), "0");
}

TEST(Expand, HashModifierIsStrHashInHex) { EXPECT_EQ(text("%Hu"), "682f95"); }

TEST(Expand, HashModifierUsesWidthAsModulusAndOffsetAsMinimumLength) {
  EXPECT_EQ(text("%4Hu"), "1");
  EXPECT_EQ(text("%8.Hu"), "00682f95");
  EXPECT_EQ(text("%3.4Hu"), "001");
}

TEST(Expand, NewHashModifierIsLow32BitsOfMd5Prefix) {
  EXPECT_EQ(text("%Nu"), "184bcbf5");
  EXPECT_EQ(text("%7Nu"), "4");
  EXPECT_EQ(text("%10.Nu"), "00184bcbf5");
}

TEST(Expand, TrimRemovesOnlyTrailingWhitespace) {
  AuthVars vars = alice();
  vars.passdb_fields["v"] = " a b \t\r\n\v\f ";
  EXPECT_EQ(text("[%T{passdb:v}]", vars), "[ a b]");
}

TEST(Expand, ModifiersApplyInOrder) {
  EXPECT_EQ(text("%RUu"), "ECILA");
  EXPECT_EQ(text("%MUu"), "6384E2B2184BCBF58ECCF10CA7A6563C");
  EXPECT_EQ(text("%UMu"), "b6b818304a439f91fc90b3fe8dd35be8"); // md5("ALICE")
}

TEST(Expand, TenModifiersAreAllowed) { EXPECT_EQ(text("%LULULULULUu"), "ALICE"); }

TEST(Expand, EleventhModifierLetterIsReadAsTheVariable) {
  const Expansion expansion = expand("%LLLLLLLLLLLu", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_Lu");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%L'")));
}

// --- width and offset --------------------------------------------------------

TEST(Expand, WidthAndOffset) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%3u", "ali"},                         // width keeps at most N
      {"%-3u", "ali"},                        // without '.', the '-' is ignored
      {"%10u", "alice"},                      // wider than the value
      {"%1.3u", "lic"},                       // skip 1, keep 3
      {"%1.u", "lice"},                       // offset only
      {"%9.u", ""},                           // offset beyond the end
      {"%-3.u", "ice"},                       // negative offset keeps the last N
      {"%-9.u", "alice"},                     // ... or everything
      {"%.-2u", "ali"},                       // negative width drops the last N
      {"%1.-2u", "li"},                       // offset, then negative width
      {"%.-5u", ""},                          // dropping exactly everything
      {"%.-6u", "alice"},                     // Dovecot quirk: dropping more than all keeps all
      {"%05a", "00143"},                      // zero padding
      {"%02a", "143"},                        // zero padding never truncates
      {"%.05a", "00143"},                     // zero after '.' pads
      {"%0.2u", "al"},                        // zero before '.' does not
      {"%2.05a", "00003"}, {"%.0-5a", "143"}, // negative width with zero padding: no padding
      {"%-05a", "00143"},  {"%0u", "alice"},  // zero width means no limit
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& tmpl = test_case.first;
    const std::string& expected = test_case.second;
    EXPECT_EQ(text(tmpl), expected) << tmpl;
  }
}

TEST(Expand, ModifiersRunBeforeOffsetAndWidth) { EXPECT_EQ(text("%1.2Ru"), "ci"); }

TEST(Expand, HugeWidthsWrapLikeACIntAndDoNotCrash) {
  EXPECT_EQ(text("%99999999999u"), "alice");
  EXPECT_EQ(text("%.-2147483648u"), "alice");
  EXPECT_EQ(text("%-2147483648.u"), "alice");
  EXPECT_EQ(text("%4294967296u"), "alice"); // wraps to 0: no limit
  EXPECT_EQ(text("%4294967299u"), "ali");   // wraps to 3
}

TEST(Expand, HugeZeroPaddingIsRefusedInsteadOfAllocated) {
  const Expansion expansion = expand("%02000000000a", alice(), no_escape());
  EXPECT_EQ(expansion.text, "143");
  EXPECT_THAT(expansion.error,
              Optional(std::string("zero padding beyond 65536 characters (loginref's limit)")));
  EXPECT_EQ(error("%065536a"), std::nullopt);
  EXPECT_EQ(text("%065536a").size(), 65536U);
}

TEST(Expand, HugeHashModifierOffsetIsRefused) { EXPECT_NE(error("%2000000000.Hu"), std::nullopt); }

// --- percent signs -----------------------------------------------------------

TEST(Expand, DoublePercentIsLiteral) {
  EXPECT_EQ(text("100%% of %u"), "100% of alice");
  EXPECT_EQ(text("%5%"), "%");
}

TEST(Expand, TrailingLonePercentIsDropped) {
  EXPECT_EQ(text("100%"), "100");
  EXPECT_EQ(text("%"), "");
  EXPECT_EQ(text("a%-05.3LU"), "a");
  EXPECT_EQ(error("100%"), std::nullopt);
}

TEST(Expand, PlainTextIsCopied) {
  EXPECT_EQ(text("SELECT 1"), "SELECT 1");
  EXPECT_EQ(text(""), "");
}

// --- unknown variables and malformed input -----------------------------------

TEST(Expand, UnknownShortKeyGivesPlaceholderAndError) {
  const Expansion expansion = expand("a %x b", alice(), no_escape());
  EXPECT_EQ(expansion.text, "a UNSUPPORTED_VARIABLE_x b");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%x'")));
}

TEST(Expand, UnknownLongNameUsesDovecotsWordingWithoutBraces) {
  const Expansion expansion = expand("%{usr}", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_usr");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%usr'")));
}

TEST(Expand, FirstUnknownShortKeyIsReported) {
  EXPECT_THAT(error("%x%y"), Optional(std::string("Unknown variable '%x'")));
}

TEST(Expand, UnknownLongNameOverridesEarlierMessage) {
  EXPECT_THAT(error("%x%{usr}"), Optional(std::string("Unknown variable '%usr'")));
}

TEST(Expand, UnknownFieldGetsNoModifiersOrWidth) {
  EXPECT_EQ(text("%3Lx"), "UNSUPPORTED_VARIABLE_x");
}

TEST(Expand, UnknownFunctionNameIncludesItsOptions) {
  const Expansion expansion = expand("%{user;x:y}", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_user;x");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%user;x'")));
}

TEST(Expand, BuiltinsTakeNoArgument) {
  EXPECT_THAT(error("%{uid:x}"), Optional(std::string("Unknown variable '%uid'")));
}

TEST(Expand, LongNamesAreCaseSensitive) {
  EXPECT_THAT(error("%{User}"), Optional(std::string("Unknown variable '%User'")));
}

TEST(Expand, OpenBraceWithoutAnyCloseIsTheShortKeyBrace) {
  const Expansion expansion = expand("%{user", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_{user");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%{'")));
}

TEST(Expand, UnbalancedBracesTakeTheRestOfTheTemplateAsName) {
  const Expansion expansion = expand("%{user%{x} tail", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_user%{x} tail");
}

TEST(Expand, BackslashInsideBracesEscapesABrace) {
  EXPECT_EQ(text("%{us\\}er}"), "UNSUPPORTED_VARIABLE_us\\}er");
}

TEST(Expand, EmptyBracesAreUnknown) {
  const Expansion expansion = expand("%{}", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%'")));
}

TEST(Expand, TemplateEndsAtNul) {
  const Expansion expansion = expand(std::string_view("a\0%x", 4), alice(), no_escape());
  EXPECT_EQ(expansion.text, "a");
  EXPECT_EQ(expansion.error, std::nullopt);
}

TEST(Expand, DeepNestingIsAnErrorNotACrash) {
  std::string tmpl;
  for (int i = 0; i < 2000; ++i) {
    tmpl += "%{if;1;==;1;";
  }
  tmpl += "x";
  for (int i = 0; i < 2000; ++i) {
    tmpl += ";y}";
  }
  EXPECT_NE(expand(tmpl, alice(), no_escape()).error, std::nullopt);

  std::string hashes = "%{";
  for (int i = 0; i < 2000; ++i) {
    hashes += "md5:";
  }
  hashes += "user}";
  EXPECT_THAT(expand(hashes, alice(), no_escape()).error,
              Optional(std::string("template nested more than 64 levels deep (loginref's limit)")));
}

TEST(Expand, RandomInputNeverCrashes) {
  const std::string alphabet =
      "%{}:;,=\\.-0123456789LUEXRHNMDTunldsw!?*~<>if md5sha256pkcs5rounds salt";
  std::mt19937 random(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string tmpl;
    const int length = static_cast<int>(random() % 40);
    for (int j = 0; j < length; ++j) {
      tmpl += alphabet[random() % alphabet.size()];
    }
    const Expansion expansion = expand(tmpl, full_vars(), bracket);
    EXPECT_LE(expansion.text.size(), 200000U) << tmpl;
  }
}

// --- %{passdb:..}, %{userdb:..}, %{env:..} ------------------------------------

TEST(Expand, PassdbFieldIsEscaped) { EXPECT_EQ(bracketed("%{passdb:host}"), "[10.1.1.1]"); }

TEST(Expand, PassdbDefaultIsUsedAndEscaped) {
  EXPECT_EQ(bracketed("%{passdb:missing:fallback}"), "[fallback]");
  EXPECT_EQ(bracketed("%{passdb:missing}"), "[]");
  EXPECT_EQ(bracketed("%{passdb:missing:a:b}"), "[a:b]");
}

TEST(Expand, UserdbField) {
  EXPECT_EQ(bracketed("%{userdb:home}|%{userdb:quota:none}"), "[/home/alice]|[none]");
}

TEST(Expand, EnvReadsTheProcessEnvironment) {
  ::setenv("LOGINREF_EXPAND_TEST", "from-env", 1);
  EXPECT_EQ(text("%{env:LOGINREF_EXPAND_TEST}"), "from-env");
  ::unsetenv("LOGINREF_EXPAND_TEST");
  EXPECT_EQ(text("[%{env:LOGINREF_EXPAND_TEST}]"), "[]");
  EXPECT_EQ(error("%{env:LOGINREF_EXPAND_TEST}"), std::nullopt);
}

// --- hash functions ----------------------------------------------------------

TEST(Expand, EveryHashMethod) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"md4", "4f58c889ef5ac34ac1d0cba99e312025"},
      {"md5", "6384e2b2184bcbf58eccf10ca7a6563c"},
      {"sha1", "522b276a356bdf39013dfabea2cd43e141ecc9e8"},
      {"sha256", "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90"},
      {"sha384", "96a5353e625adc003a01bdcd9b21b21189bdd9806851829f45b81d3dfc6721ee21f6e0e98c4dd63bc"
                 "559f66c7a74233a"},
      {"sha512", "408b27d3097eea5a46bf2ab6433a7234a33d5e49957b13ec7acc2ca08e1a13c75272c90c8d3385d47"
                 "ede5420a7a9623"
                 "aad817d9f8a70bd100a0acea7400daa59"},
      {"sha3-256", "a7dcef9aef26202fce82a7c7d6672afb3a149db207d90a07e437d5abc7fc99ed"},
      {"sha3-512", "b224e0241310429c49072440cbf01872f0ab445cc137fc513b728ffa0de22f7de9446e24d409b9a"
                   "8514c51fabad4"
                   "1a1e7ebe06c50056683e54544d1b552f77ce"},
      {"size", "0000000000000005"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& method = test_case.first;
    const std::string& expected = test_case.second;
    const Expansion expansion = expand("%{" + method + ":user}", alice(), no_escape());
    EXPECT_EQ(expansion.text, expected) << method;
    EXPECT_EQ(expansion.error, std::nullopt) << method;
  }
}

TEST(Expand, HashMethodNameMatchesCaseInsensitivelyButThenFails) {
  const Expansion expansion = expand("a%{SHA256:user}b", alice(), no_escape());
  EXPECT_EQ(expansion.text, "ab");
  EXPECT_THAT(expansion.error, Optional(StartsWith("Unknown hash method 'SHA256'")));
}

TEST(Expand, HashRounds) {
  EXPECT_EQ(text("%{sha256;rounds=2:user}"),
            "bd306425d873dc3e9fd1520e693954d6d605e8ad2fae4e48f53a395526f39abe");
}

TEST(Expand, HashSaltIsPrependedEveryRound) {
  EXPECT_EQ(text("%{sha256;salt=pepper:user}"),
            "b1b68da447843a6519d8dd7a9c13c90aa1148805cbe55810f86712e6c294ff36");
  EXPECT_EQ(text("%{sha256;rounds=2,salt=pepper:user}"),
            "9097ff5d0b1809baa6f379860c5928044678d23ee7b1b5f18c9983bf33b374d6");
}

TEST(Expand, HashSaltIsATemplate) {
  EXPECT_EQ(text("%{sha256;salt=%s:user}"),
            "d03194ece9a64470fa4b4838776d03dc663bbaf2a3d444ce9fc761ce47ec4c63");
}

TEST(Expand, OptionsAfterSaltAreIgnored) {
  EXPECT_EQ(text("%{sha256;salt=pepper,rounds=2:user}"),
            "b1b68da447843a6519d8dd7a9c13c90aa1148805cbe55810f86712e6c294ff36");
}

TEST(Expand, HashFormats) {
  EXPECT_EQ(text("%{sha1;format=base64:user}"), "UisnajVr3zkBPfq+os1D4UHsyeg=");
  EXPECT_EQ(text("%{sha1;format=hex:user}"), "522b276a356bdf39013dfabea2cd43e141ecc9e8");
}

TEST(Expand, HexucFormatIsLowercaseLikeDovecot) {
  EXPECT_EQ(text("%{sha1;format=hexuc:user}"), "522b276a356bdf39013dfabea2cd43e141ecc9e8");
}

TEST(Expand, HashTruncateKeepsLeadingBitsRightAligned) {
  EXPECT_EQ(text("%{sha256;truncate=8:user}"), "2b");
  EXPECT_EQ(text("%{sha256;truncate=12:user}"), "02bd");
  EXPECT_EQ(text("%{md5;truncate=9999:user}"), "6384e2b2184bcbf58eccf10ca7a6563c");
  EXPECT_EQ(text("%{md5;truncate=0:user}"), "6384e2b2184bcbf58eccf10ca7a6563c");
}

TEST(Expand, UnknownAndMalformedHashOptionsAreIgnored) {
  EXPECT_EQ(text("%{md5;colour=red,,novalue:user}"), "6384e2b2184bcbf58eccf10ca7a6563c");
}

TEST(Expand, HashOptionErrorsUseDovecotsWording) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%{md5;rounds=x:user}", "Cannot parse hash arguments:'x' is not number for rounds"},
      {"%{md5;rounds=-1:user}", "Cannot parse hash arguments:'-1' is not number for rounds"},
      {"%{md5;rounds=4294967296:user}",
       "Cannot parse hash arguments:'4294967296' is not number for rounds"},
      {"%{md5;rounds=0:user}", "Cannot parse hash arguments:rounds must be at least 1"},
      {"%{md5;truncate=x:user}", "Cannot parse hash arguments:'x' is not number for truncbits"},
      {"%{md5;format=bin:user}", "Cannot parse hash arguments:'bin' is not supported format"},
      {"%{md5;rounds=4000000000:user}", "rounds=4000000000 is beyond loginref's limit of 100000"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& tmpl = test_case.first;
    const std::string& message = test_case.second;
    const Expansion expansion = expand("<" + tmpl + ">", alice(), no_escape());
    EXPECT_EQ(expansion.text, "<>") << tmpl;
    EXPECT_THAT(expansion.error, Optional(message)) << tmpl;
  }
}

TEST(Expand, HashOfUnknownVariableFailsWithItsName) {
  const Expansion expansion = expand("%{sha256:usr}", alice(), no_escape());
  EXPECT_EQ(expansion.text, "");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%usr'")));
}

TEST(Expand, HashWithoutArgumentIsUnknownEmptyName) {
  EXPECT_THAT(error("%{md5}"), Optional(std::string("Unknown variable '%'")));
}

TEST(Expand, HashArgumentCanBeAFunctionOrAnotherHash) {
  EXPECT_EQ(expand("%{md5:sha1:user}", alice(), bracket).text, "538ae1ecfda43bb711689c2a5c906796");
  EXPECT_EQ(text("%{md5:passdb:missing:alice}"), "6384e2b2184bcbf58eccf10ca7a6563c");
}

TEST(Expand, HashResultGetsModifiersAndWidth) { EXPECT_EQ(text("%8U{md5:user}"), "6384E2B2"); }

TEST(Expand, Pkcs5IsPbkdf2Sha256WithDovecotsLengthAndTheNameAsSalt) {
  const std::string expected = "6b3035a23ba855d25177169707f06d78f024bccfd6a7481bfa0f15bba08cb0aa0b7"
                               "2b0d087ee5d9f6fc691040a9c67daaf887a6c5"
                               "3b3de0e28998b6f3c11bc47bc694d574e9b781a1d15a8fedd989e1a6df122e40573"
                               "8ad5349705097c3f6e651d1acad3a2c352d549"
                               "e5b195c749a19feb27c81b403ce8027dd21aacf3f7e8777ed36e6239132cf4dd866"
                               "fcebde913297e4cb5b31b87b03ce7b6991e7ab7"
                               "04340a3cd7171b5e43dcf051cd5a27de4cd061a9f7181c65aeeae0cb37434e8a0cb"
                               "ff86d90f5879d1eccbc8379366f9319c9db55f"
                               "0eaf600e8de179ccdb37d45559d68984987db217bf44f7bc56e0d07f930e7357168"
                               "f4b04b44e341a12e54a8109c37934ca5bea46b"
                               "871493e38dbd56f119d766f8c616757183448018e30e6917cd2765118b6e289a55a"
                               "5e1435e9110342f4b2a070948261ff8ac2009c"
                               "f6cb6c1d01e7121c2b9c5d3bf10a74e73b2aab279";
  EXPECT_EQ(text("%{pkcs5:user}"), expected);
}

TEST(Expand, Pkcs5OptionsAndTruncation) {
  EXPECT_EQ(text("%{pkcs5;truncate=64:user}"), "6b3035a23ba855d2");
  EXPECT_EQ(text("%{pkcs5;rounds=1000,truncate=64,salt=salt:user}"), "dde456713e74183b");
}

// --- %{if;...} ---------------------------------------------------------------

TEST(Expand, IfEveryOperator) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"5;==;5", "y"},      {"5;==;6", "n"},       {"-2;<;1", "y"},      {"1;<;1", "n"},
      {"1;<=;1", "y"},      {"2;<=;1", "n"},       {"2;>;1", "y"},       {"1;>;1", "n"},
      {"1;>=;1", "y"},      {"0;>=;1", "n"},       {"1;!=;2", "y"},      {"1;!=;1", "n"},
      {"a;eq;a", "y"},      {"a;eq;b", "n"},       {"a;lt;b", "y"},      {"b;lt;a", "n"},
      {"a;le;a", "y"},      {"b;le;a", "n"},       {"b;gt;a", "y"},      {"a;gt;a", "n"},
      {"a;ge;a", "y"},      {"a;ge;b", "n"},       {"a;ne;b", "y"},      {"a;ne;a", "n"},
      {"alice;*;a*e", "y"}, {"alice;*;a?i*", "y"}, {"alice;*;b*", "n"},  {"alice;!*;b*", "y"},
      {"alice;!*;*", "n"},  {"alice;~;^al", "y"},  {"alice;~;^li", "n"}, {"alice;!~;^li", "y"},
      {"alice;!~;l", "n"},  {";*;*", "y"},         {";*;?", "n"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& condition = test_case.first;
    const std::string& expected = test_case.second;
    const Expansion expansion = expand("%{if;" + condition + ";y;n}", alice(), no_escape());
    EXPECT_EQ(expansion.text, expected) << condition;
    EXPECT_EQ(expansion.error, std::nullopt) << condition;
  }
}

TEST(Expand, IfStringComparisonIsByteOrder) {
  EXPECT_EQ(text("%{if;B;lt;a;y;n}"), "y");
  EXPECT_EQ(text("%{if;\xc3\xa9;gt;z;y;n}"), "y");
}

TEST(Expand, IfExpandsItsParameters) {
  EXPECT_EQ(text("%{if;%u;eq;alice;yes-%Uu;no}"), "yes-ALICE");
  EXPECT_EQ(text("%{if;%{passdb:x:1};==;1;one;other}"), "one");
}

TEST(Expand, IfWithFourParametersHasEmptyElse) {
  EXPECT_EQ(text("[%{if;a;eq;b;yes}]"), "[]");
  EXPECT_EQ(text("[%{if;a;eq;b;yes;}]"), "[]");
}

TEST(Expand, IfNameIsCaseInsensitive) { EXPECT_EQ(text("%{IF;1;==;1;y;n}"), "y"); }

TEST(Expand, IfBackslashMakesTheNextCharacterLiteral) {
  EXPECT_EQ(text("%{if;a\\;b;eq;a\\;b;y;n}"), "y");
  EXPECT_EQ(text("%{if;a;eq;a;x\\:y;n}"), "x:y");
}

TEST(Expand, IfDoubleBackslashYieldsNoBackslash) { EXPECT_EQ(text("%{if;a;eq;a;x\\\\y;n}"), "xy"); }

TEST(Expand, IfTopLevelColonEndsTheParameters) {
  EXPECT_THAT(error("%{if;a;eq;a:b;y;n}"),
              Optional(std::string("if: requires four or five parameters, got 3")));
}

TEST(Expand, IfErrorsUseDovecotsWording) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%{if}", "if: missing parameter(s)"},
      {"%{if;a;eq;b}", "if: requires four or five parameters, got 3"},
      {"%{if;a;b;c;d;e;f}", "if: requires four or five parameters, got 6"},
      {"%{if;a;=~;b;y;n}", "if: Unsupported comparator '=~'"},
      {"%{if;abc;==;1;y;n}", "if: abc (lhs) is not a number"},
      {"%{if;1;<;+2;y;n}", "if: +2 (rhs) is not a number"},
      {"%{if;1;<; 2;y;n}", "if:  2 (rhs) is not a number"},
      {"%{if;9223372036854775808;>;0;y;n}", "if: 9223372036854775808 (lhs) is not a number"},
  };
  for (const std::pair<std::string, std::string>& test_case : cases) {
    const std::string& tmpl = test_case.first;
    const std::string& message = test_case.second;
    const Expansion expansion = expand("<" + tmpl + ">", alice(), no_escape());
    EXPECT_EQ(expansion.text, "<>") << tmpl;
    EXPECT_THAT(expansion.error, Optional(message)) << tmpl;
  }
}

TEST(Expand, IfAcceptsTheFullInt64Range) {
  EXPECT_EQ(text("%{if;-9223372036854775808;<;9223372036854775807;y;n}"), "y");
}

TEST(Expand, IfBadRegexIsAnError) {
  EXPECT_THAT(error("%{if;a;~;(;y;n}"), Optional(StartsWith("if: regex failed: ")));
}

TEST(Expand, IfWithUnknownVariableInParameterFails) {
  const Expansion expansion = expand("<%{if;%{usr};eq;a;y;n}>", alice(), no_escape());
  EXPECT_EQ(expansion.text, "<>");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%usr'")));
}

TEST(Expand, IfResultGetsModifiers) { EXPECT_EQ(text("%U{if;1;==;1;yes;no}"), "YES"); }

TEST(Expand, ErrorIsClearedWhenANestedExpansionSucceedsButResultStillFails) {
  // Dovecot resets its message in the nested expansion and would log
  // "(null)"; we report the first message seen instead.
  const Expansion expansion = expand("%x%{if;1;==;1;a;b}", alice(), no_escape());
  EXPECT_EQ(expansion.text, "UNSUPPORTED_VARIABLE_xa");
  EXPECT_THAT(expansion.error, Optional(std::string("Unknown variable '%x'")));
}

TEST(Expand, SuccessfulExpansionHasNoError) {
  EXPECT_EQ(error("SELECT password FROM users WHERE userid = '%u' AND '%{if;%c;eq;TLS;1;0}' = '1'"),
            std::nullopt);
}

} // namespace
} // namespace loginref
