#include "core/config.hpp"

#include "core/error.hpp"
#include "support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace loginref {
namespace {

using test::TempDir;
using ::testing::StrEq;
using ::testing::ThrowsMessage;

// Writes `text` as dovecot-sql.conf.ext in a fresh directory and loads it.
class ConfigFile : public ::testing::Test {
protected:
  SqlConfig load(const std::string& text) { return load_sql_config(write(text)); }
  std::string write(const std::string& text) { return m_dir.write("dovecot-sql.conf.ext", text); }
  std::string path() const { return m_dir.path() + "/dovecot-sql.conf.ext"; }
  // "<dir>/dovecot-sql.conf.ext:<line>"
  std::string at(int line) const { return path() + ":" + std::to_string(line); }

  TempDir m_dir;
};

// --- Lines, keys and values ---

TEST_F(ConfigFile, ReadsSettingsAndRecordsFileAndLine) {
  const SqlConfig config = load("driver = sqlite\n"
                                "connect = /var/lib/dovecot/users.db\n"
                                "default_pass_scheme = SHA512-CRYPT\n");
  EXPECT_EQ(config.path, path());
  EXPECT_EQ(config.driver.value, "sqlite");
  EXPECT_EQ(config.driver.origin, at(1));
  EXPECT_EQ(config.connect.value, "/var/lib/dovecot/users.db");
  EXPECT_EQ(config.connect.origin, at(2));
  EXPECT_EQ(config.default_pass_scheme.value, "SHA512-CRYPT");
  EXPECT_EQ(config.default_pass_scheme.origin, at(3));
}

TEST_F(ConfigFile, UnsetSettingsKeepDovecot23Defaults) {
  const SqlConfig config = load("");
  EXPECT_EQ(config.driver.value, "");
  EXPECT_EQ(config.driver.origin, "default");
  EXPECT_EQ(config.password_query.value, "SELECT username, domain, password FROM users WHERE "
                                         "username = '%n' AND domain = '%d'");
  EXPECT_EQ(config.password_query.origin, "default");
  EXPECT_EQ(config.default_pass_scheme.value, "MD5");
  EXPECT_EQ(config.userdb_warning_disable.value, "no");
}

TEST_F(ConfigFile, ReadsEveryKnownSetting) {
  const SqlConfig config = load("driver = pgsql\nconnect = dbname=mail\npassword_query = P\n"
                                "user_query = U\nupdate_query = UP\niterate_query = I\n"
                                "default_pass_scheme = PLAIN\nuserdb_warning_disable = yes\n");
  EXPECT_EQ(config.password_query.value, "P");
  EXPECT_EQ(config.user_query.value, "U");
  EXPECT_EQ(config.update_query.value, "UP");
  EXPECT_EQ(config.iterate_query.value, "I");
  EXPECT_EQ(config.userdb_warning_disable.value, "yes");
  EXPECT_EQ(config.userdb_warning_disable.origin, at(8));
}

TEST_F(ConfigFile, SkipsLeadingWhitespaceEmptyLinesAndCommentLines) {
  const SqlConfig config =
      load("# a comment\n\n   \t\n \t # indented comment\n\t  driver = mysql\n");
  EXPECT_EQ(config.driver.value, "mysql");
  EXPECT_EQ(config.driver.origin, at(5));
}

TEST_F(ConfigFile, WhitespaceAroundEqualsIsOptional) {
  const SqlConfig config = load("driver=sqlite\nconnect\t=\t/tmp/x.db\n");
  EXPECT_EQ(config.driver.value, "sqlite");
  EXPECT_EQ(config.connect.value, "/tmp/x.db");
}

TEST_F(ConfigFile, EmptyValueIsSetToEmpty) {
  const SqlConfig config = load("password_query =\n");
  EXPECT_EQ(config.password_query.value, "");
  EXPECT_EQ(config.password_query.origin, at(1));
}

TEST_F(ConfigFile, LastValueWins) {
  const SqlConfig config = load("driver = mysql\ndriver = pgsql\n");
  EXPECT_EQ(config.driver.value, "pgsql");
  EXPECT_EQ(config.driver.origin, at(2));
}

TEST_F(ConfigFile, LastLineWithoutNewlineIsRead) {
  EXPECT_EQ(load("driver = sqlite").driver.value, "sqlite");
}

TEST_F(ConfigFile, UnknownSettingSuggestsClosestName) {
  write("driver = sqlite\n\npasword_query = SELECT 1\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(
                  at(3) + ": unknown setting 'pasword_query' (did you mean 'password_query'?)")));
}

TEST_F(ConfigFile, UnknownSettingWithNothingCloseHasNoSuggestion) {
  write("hostname = db1\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(1) + ": unknown setting 'hostname'")));
}

TEST_F(ConfigFile, KeysAreCaseSensitive) {
  write("Driver = sqlite\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(
                  StrEq(at(1) + ": unknown setting 'Driver' (did you mean 'driver'?)")));
}

TEST_F(ConfigFile, LineStartingWithEqualsHasAnEmptyKey) {
  write("= sqlite\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(1) + ": unknown setting ''")));
}

TEST_F(ConfigFile, LineWithoutEqualsIsAnError) {
  write("driver = sqlite\ndriver sqlite\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(2) + ": expecting '=' (a 'key = value' line)")));
}

TEST_F(ConfigFile, SingleWordLineIsAnError) {
  write("driver\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(1) + ": expecting '=' (a 'key = value' line)")));
}

TEST_F(ConfigFile, BooleanIsYesOrNoInAnyCase) {
  EXPECT_EQ(load("userdb_warning_disable = YES\n").userdb_warning_disable.value, "yes");
  EXPECT_EQ(load("userdb_warning_disable = No\n").userdb_warning_disable.value, "no");
}

TEST_F(ConfigFile, InvalidBooleanIsAnError) {
  write("userdb_warning_disable = true\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(
                  at(1) + ": invalid boolean 'true' for userdb_warning_disable (use yes or no)")));
}

// --- Comments ---

TEST_F(ConfigFile, HashAfterWhitespaceStartsAComment) {
  EXPECT_EQ(load("driver = sqlite # the only one here\n").driver.value, "sqlite");
}

TEST_F(ConfigFile, HashRightAfterTextIsStillAComment) {
  // Dovecot warns "Ambiguous '#' character in line" but cuts the line anyway.
  EXPECT_EQ(load("connect = host=db password=pa#ss\n").connect.value, "host=db password=pa");
}

TEST_F(ConfigFile, HashInsideQuotesIsKept) {
  const SqlConfig config = load("password_query = SELECT x FROM t WHERE a = '#1' "
                                "AND b = \"#2\" # real comment\n");
  EXPECT_EQ(config.password_query.value, "SELECT x FROM t WHERE a = '#1' AND b = \"#2\"");
}

TEST_F(ConfigFile, EscapedQuoteDoesNotEndAQuotedPart) {
  const SqlConfig config = load("password_query = SELECT 'it\\'s # here' AS x # comment\n");
  EXPECT_EQ(config.password_query.value, "SELECT 'it\\'s # here' AS x");
}

TEST_F(ConfigFile, UnclosedQuoteKeepsTheRestOfTheLine) {
  const SqlConfig config = load("password_query = SELECT 'abc # not a comment\n");
  EXPECT_EQ(config.password_query.value, "SELECT 'abc # not a comment");
}

TEST_F(ConfigFile, TrailingSpacesAndTabsAreRemoved) {
  EXPECT_EQ(load("driver = sqlite \t \n").driver.value, "sqlite");
  EXPECT_EQ(load("driver = sqlite  # comment\n").driver.value, "sqlite");
}

// --- Line continuation ---

TEST_F(ConfigFile, BackslashJoinsLinesWithOneSpace) {
  const SqlConfig config = load("password_query = SELECT a,   \\\n"
                                "      \t b \\\n"
                                "  FROM t\n");
  EXPECT_EQ(config.password_query.value, "SELECT a, b FROM t");
}

TEST_F(ConfigFile, ContinuedSettingRecordsItsFirstLine) {
  const SqlConfig config = load("driver = sqlite\npassword_query = \\\n  SELECT 1 \\\n  FROM t\n");
  EXPECT_EQ(config.password_query.value, "SELECT 1 FROM t");
  EXPECT_EQ(config.password_query.origin, at(2));
}

TEST_F(ConfigFile, BackslashBeforeACommentContinuesTheLine) {
  // Comments are cut per physical line before the '\' is looked at.
  const SqlConfig config = load("password_query = SELECT 1 \\ # first part\n  FROM t\n");
  EXPECT_EQ(config.password_query.value, "SELECT 1 FROM t");
}

TEST_F(ConfigFile, BackslashInsideACommentDoesNotContinue) {
  write("password_query = SELECT 1 # no continuation \\\n  FROM t\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(2) + ": expecting '=' (a 'key = value' line)")));
}

TEST_F(ConfigFile, CommentAndEmptyLinesInsideAContinuationAreSkipped) {
  const SqlConfig config = load("password_query = SELECT 1 \\\n"
                                "# explained here\n"
                                "\n"
                                "  FROM t\n");
  EXPECT_EQ(config.password_query.value, "SELECT 1 FROM t");
}

TEST_F(ConfigFile, BackslashOnTheLastLineIsDropped) {
  const SqlConfig config = load("driver = sqlite\nconnect = /tmp/x.db \\\n");
  EXPECT_EQ(config.connect.origin, "default");
}

TEST_F(ConfigFile, ErrorInAContinuedLineNamesItsFirstLine) {
  write("driver = sqlite\npasword_query = \\\n  SELECT 1\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(
                  at(2) + ": unknown setting 'pasword_query' (did you mean 'password_query'?)")));
}

// --- Quoting and $ENV ---

TEST_F(ConfigFile, WholeValueInDoubleQuotesIsUnquotedAndUnescaped) {
  const SqlConfig config = load("connect = \"host=db password=p\\\"w\\\\d\"\n");
  EXPECT_EQ(config.connect.value, "host=db password=p\"w\\d");
}

TEST_F(ConfigFile, WholeValueInSingleQuotesIsUnquotedAndUnescaped) {
  EXPECT_EQ(load("connect = 'dbname=mail \\x'\n").connect.value, "dbname=mail x");
}

TEST_F(ConfigFile, ValueStartingAndEndingWithTheSameQuoteLosesBoth) {
  // Dovecot 2.3 only checks the first and last character: a trap for SQL.
  const SqlConfig config = load("password_query = '%u' = username OR 'x'\n");
  EXPECT_EQ(config.password_query.value, "%u' = username OR 'x");
}

TEST_F(ConfigFile, QuoteOnOneSideOnlyIsKept) {
  EXPECT_EQ(load("password_query = '%u' = username\n").password_query.value, "'%u' = username");
  EXPECT_EQ(load("password_query = \"x'\n").password_query.value, "\"x'");
}

TEST_F(ConfigFile, ValueOfOneQuoteCharacterIsEmpty) {
  EXPECT_EQ(load("connect = \"\n").connect.value, "");
}

TEST_F(ConfigFile, EnvironmentVariableIsExpandedInUnquotedValue) {
  setenv("LOGINREF_TEST_PASSWORD", "s3cret", 1);
  const SqlConfig config = load("connect = $ENV:LOGINREF_TEST_PASSWORD dbname=mail\n"
                                "password_query = a $ENV:LOGINREF_TEST_PASSWORD\n");
  EXPECT_EQ(config.connect.value, "s3cret dbname=mail");
  EXPECT_EQ(config.password_query.value, "a s3cret");
}

TEST_F(ConfigFile, EnvironmentVariableOnlyExpandsAtTheStartOfAWord) {
  setenv("LOGINREF_TEST_PASSWORD", "s3cret", 1);
  EXPECT_EQ(load("connect = password=$ENV:LOGINREF_TEST_PASSWORD\n").connect.value,
            "password=$ENV:LOGINREF_TEST_PASSWORD");
}

TEST_F(ConfigFile, EnvironmentVariableIsNotExpandedInQuotedValue) {
  setenv("LOGINREF_TEST_PASSWORD", "s3cret", 1);
  EXPECT_EQ(load("connect = \"$ENV:LOGINREF_TEST_PASSWORD\"\n").connect.value,
            "$ENV:LOGINREF_TEST_PASSWORD");
}

TEST_F(ConfigFile, UnsetEnvironmentVariableExpandsToNothing) {
  unsetenv("LOGINREF_TEST_UNSET");
  EXPECT_EQ(load("connect = $ENV:LOGINREF_TEST_UNSET dbname=mail\n").connect.value, " dbname=mail");
}

TEST_F(ConfigFile, EnvironmentVariableNameEndsAtASpaceNotATab) {
  setenv("LOGINREF_TEST_PASSWORD", "s3cret", 1);
  EXPECT_EQ(load("connect = $ENV:LOGINREF_TEST_PASSWORD\tdbname=mail\n").connect.value, "");
}

TEST_F(ConfigFile, OtherDollarSignsAreKept) {
  EXPECT_EQ(load("password_query = SELECT $1, $ENV, x$y FROM t\n").password_query.value,
            "SELECT $1, $ENV, x$y FROM t");
}

// --- Sections ---

TEST_F(ConfigFile, SectionsAreReadAndSkipped) {
  const SqlConfig config = load("driver = sqlite\n"
                                "map {\n"
                                "  pattern = shared/$key\n"
                                "  anything_goes = here\n"
                                "  driver = pgsql\n"
                                "  inner name {\n"
                                "    userdb_warning_disable = maybe\n"
                                "  }\n"
                                "}\n"
                                "connect = /tmp/x.db\n");
  EXPECT_EQ(config.driver.value, "sqlite");
  EXPECT_EQ(config.driver.origin, at(1));
  EXPECT_EQ(config.connect.origin, at(10));
}

TEST_F(ConfigFile, LineInsideASectionStillNeedsEquals) {
  write("map {\n  pattern\n}\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(2) + ": expecting '=' (a 'key = value' line)")));
}

TEST_F(ConfigFile, BraceMustBeSeparatedFromTheSectionName) {
  write("map{\n}\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(1) + ": expecting '=' (a 'key = value' line)")));
}

TEST_F(ConfigFile, UnbalancedClosingBraceIsAnError) {
  write("driver = sqlite\n}\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(2) + ": unexpected '}' (no section is open)")));
}

TEST_F(ConfigFile, UnclosedSectionSilentlySkipsTheRest) {
  const SqlConfig config = load("map {\ndriver = sqlite\n");
  EXPECT_EQ(config.driver.origin, "default");
}

// --- Line endings and odd bytes ---

TEST_F(ConfigFile, CrlfLineEndingsAreStripped) {
  // Dovecot's istream drops the '\r' of "\r\n" (i_stream_next_line).
  const SqlConfig config = load("driver = sqlite\r\npassword_query = SELECT 1 \\\r\n  FROM t\r\n"
                                "connect = /tmp/x.db\r");
  EXPECT_EQ(config.driver.value, "sqlite");
  EXPECT_EQ(config.password_query.value, "SELECT 1 FROM t");
  EXPECT_EQ(config.connect.value, "/tmp/x.db");
}

TEST_F(ConfigFile, CarriageReturnInsideALineIsKept) {
  EXPECT_EQ(load("connect = a\rb\r\r\n").connect.value, "a\rb\r");
}

TEST_F(ConfigFile, NulByteEndsTheLine) {
  const char text[] = "driver = sqlite\0garbage\nconnect = x\n";
  const SqlConfig config = load(std::string(text, sizeof text - 1));
  EXPECT_EQ(config.driver.value, "sqlite");
  EXPECT_EQ(config.connect.value, "x");
  EXPECT_EQ(config.connect.origin, at(2));
}

TEST_F(ConfigFile, MegabyteLineIsRead) {
  const std::string query = "SELECT '" + std::string(1024 * 1024, 'x') + "' FROM t";
  EXPECT_EQ(load("password_query = " + query + "\n").password_query.value, query);
}

// --- Files ---

TEST_F(ConfigFile, MissingFileIsAnError) {
  const std::string missing = m_dir.path() + "/nope.conf";
  EXPECT_THAT(
      [&] { load_sql_config(missing); },
      ThrowsMessage<ConfigError>(StrEq(missing + ": cannot read: No such file or directory")));
}

TEST_F(ConfigFile, DirectoryInsteadOfFileIsAnError) {
  EXPECT_THAT([&] { load_sql_config(m_dir.path()); },
              ThrowsMessage<ConfigError>(StrEq(m_dir.path() + ": cannot read: Is a directory")));
}

// --- !include and !include_try ---

TEST_F(ConfigFile, IncludeIsRelativeToTheIncludingFile) {
  m_dir.write("sub/db.conf.ext", "!include more/connect.conf.ext\ndriver = pgsql\n");
  m_dir.write("sub/more/connect.conf.ext", "connect = dbname=mail\n");
  const SqlConfig config = load("!include sub/db.conf.ext\n");
  EXPECT_EQ(config.driver.value, "pgsql");
  EXPECT_EQ(config.driver.origin, m_dir.path() + "/sub/db.conf.ext:2");
  EXPECT_EQ(config.connect.origin, m_dir.path() + "/sub/more/connect.conf.ext:1");
}

TEST_F(ConfigFile, IncludeWithAbsolutePath) {
  const std::string other = m_dir.write("elsewhere/x.conf", "driver = mysql\n");
  EXPECT_EQ(load("!include " + other + "\n").driver.value, "mysql");
}

TEST_F(ConfigFile, SettingsAfterAnIncludeOverrideIt) {
  m_dir.write("inc.conf", "driver = mysql\n");
  const SqlConfig config = load("driver = sqlite\n!include inc.conf\ndriver = pgsql\n");
  EXPECT_EQ(config.driver.value, "pgsql");
  EXPECT_EQ(config.driver.origin, at(3));
}

TEST_F(ConfigFile, IncludeGlobWithBracesReadsEveryMatchLastMatchFirst) {
  // settings_include pushes each match onto a stack, so b is read before a
  // and a's values win.
  m_dir.write("inc-a.conf", "driver = mysql\n");
  m_dir.write("inc-b.conf", "driver = pgsql\nconnect = dbname=b\n");
  const SqlConfig config = load("!include inc-{a,b}.conf\n");
  EXPECT_EQ(config.driver.value, "mysql");
  EXPECT_EQ(config.driver.origin, m_dir.path() + "/inc-a.conf:1");
  EXPECT_EQ(config.connect.value, "dbname=b");
}

TEST_F(ConfigFile, MissingIncludeIsAnErrorWithItsLine) {
  write("driver = sqlite\n!include nope.conf\n");
  EXPECT_THAT(
      [&] { load_sql_config(path()); },
      ThrowsMessage<ConfigError>(StrEq(at(2) + ": !include: no file matches '" + m_dir.path() +
                                       "/nope.conf' (use !include_try if the file may "
                                       "be missing)")));
}

TEST_F(ConfigFile, IncludeTryIgnoresMissingFilesAndEmptyGlobs) {
  const SqlConfig config = load("!include_try nope.conf\n!include_try conf.d/*.conf\n"
                                "driver = sqlite\n");
  EXPECT_EQ(config.driver.value, "sqlite");
}

TEST_F(ConfigFile, IncludeOfADirectoryIsAnError) {
  std::filesystem::create_directory(m_dir.path() + "/conf.d");
  write("!include conf.d\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(1) + ": !include: cannot read '" + m_dir.path() +
                                               "/conf.d': Is a directory")));
}

TEST_F(ConfigFile, IncludeTryOfADirectoryIsIgnored) {
  std::filesystem::create_directory(m_dir.path() + "/conf.d");
  EXPECT_EQ(load("!include_try conf.d\ndriver = sqlite\n").driver.value, "sqlite");
}

TEST_F(ConfigFile, RecursiveIncludeNamesTheFile) {
  m_dir.write("inc.conf", "driver = sqlite\n!include dovecot-sql.conf.ext\n");
  write("!include inc.conf\n");
  EXPECT_THAT(
      [&] { load_sql_config(path()); },
      ThrowsMessage<ConfigError>(StrEq(m_dir.path() + "/inc.conf:2: recursive !include of '" +
                                       path() + "' (it is already being read)")));
}

TEST_F(ConfigFile, RecursiveIncludeThroughAnotherSpellingIsCaught) {
  write("!include_try ./dovecot-sql.conf.ext\n");
  EXPECT_THAT(
      [&] { load_sql_config(path()); },
      ThrowsMessage<ConfigError>(StrEq(at(1) + ": recursive !include of '" + m_dir.path() +
                                       "/./dovecot-sql.conf.ext' (it is already being read)")));
}

TEST_F(ConfigFile, SameFileMayBeIncludedTwiceInARow) {
  m_dir.write("inc.conf", "driver = sqlite\n");
  EXPECT_EQ(load("!include inc.conf\n!include inc.conf\n").driver.origin,
            m_dir.path() + "/inc.conf:1");
}

TEST_F(ConfigFile, ErrorInAnIncludedFileNamesThatFile) {
  m_dir.write("inc.conf", "\nconect = x\n");
  write("!include inc.conf\n");
  EXPECT_THAT(
      [&] { load_sql_config(path()); },
      ThrowsMessage<ConfigError>(StrEq(m_dir.path() + "/inc.conf:2: unknown setting 'conect' "
                                                      "(did you mean 'connect'?)")));
}

TEST_F(ConfigFile, IncludeFollowedByEqualsIsASettingNamedInclude) {
  write("!include=inc.conf\n");
  EXPECT_THAT([&] { load_sql_config(path()); },
              ThrowsMessage<ConfigError>(StrEq(at(1) + ": unknown setting '!include'")));
}

TEST_F(ConfigFile, ContinuationAtTheEndOfAnIncludedFileJoinsTheNextLine) {
  // settings_read_i keeps its joined-line buffer when an included file ends.
  m_dir.write("inc.conf", "password_query = SELECT 1 \\\n");
  const SqlConfig config = load("!include inc.conf\n  FROM t\n");
  EXPECT_EQ(config.password_query.value, "SELECT 1 FROM t");
  EXPECT_EQ(config.password_query.origin, m_dir.path() + "/inc.conf:1");
}

TEST_F(ConfigFile, SectionOpenedInAnIncludeIsClosedInTheIncluder) {
  m_dir.write("inc.conf", "map {\n");
  const SqlConfig config = load("!include inc.conf\ndriver = pgsql\n}\ndriver = sqlite\n");
  EXPECT_EQ(config.driver.value, "sqlite");
}

// --- A realistic file ---

TEST_F(ConfigFile, DovecotDocumentationExampleWithMultiLineQuery) {
  const SqlConfig config =
      load("# Database driver: mysql, pgsql, sqlite\n"
           "driver = mysql\n"
           "\n"
           "connect = host=/var/run/mysqld/mysqld.sock dbname=mails "
           "user=admin password=pass\n"
           "\n"
           "# Default password scheme.\n"
           "default_pass_scheme = SHA512-CRYPT\n"
           "\n"
           "password_query = \\\n"
           "  SELECT username AS user, password, \\\n"
           "    'Y' AS proxy, host \\\n"
           "  FROM users WHERE username = '%u'\n"
           "\n"
           "#user_query = SELECT home, uid, gid FROM users WHERE userid = '%u'\n"
           "iterate_query = SELECT username AS user FROM users\n");
  EXPECT_EQ(config.driver.value, "mysql");
  EXPECT_EQ(config.connect.value,
            "host=/var/run/mysqld/mysqld.sock dbname=mails user=admin password=pass");
  EXPECT_EQ(config.default_pass_scheme.value, "SHA512-CRYPT");
  EXPECT_EQ(
      config.password_query.value,
      "SELECT username AS user, password, 'Y' AS proxy, host FROM users WHERE username = '%u'");
  EXPECT_EQ(config.password_query.origin, at(9));
  EXPECT_EQ(config.user_query.origin, "default");
  EXPECT_EQ(config.iterate_query.value, "SELECT username AS user FROM users");
  EXPECT_NO_THROW(validate_sql_config(config));
}

// --- validate_sql_config and is_sql_setting ---

SqlConfig config_with(const std::string& driver, const std::string& driver_origin) {
  SqlConfig config;
  config.path = "/etc/dovecot/dovecot-sql.conf.ext";
  config.driver = {driver, driver_origin};
  config.connect = {"dbname=mail", "/etc/dovecot/dovecot-sql.conf.ext:2"};
  return config;
}

TEST(ValidateSqlConfig, AcceptsTheThreeDrivers) {
  EXPECT_NO_THROW(validate_sql_config(config_with("sqlite", "x:1")));
  EXPECT_NO_THROW(validate_sql_config(config_with("pgsql", "x:1")));
  EXPECT_NO_THROW(validate_sql_config(config_with("mysql", "--driver")));
}

TEST(ValidateSqlConfig, MissingDriverSaysWhatToAdd) {
  SqlConfig config = config_with("", "default");
  EXPECT_THAT([&] { validate_sql_config(config); },
              ThrowsMessage<ConfigError>(
                  StrEq("/etc/dovecot/dovecot-sql.conf.ext: driver not set (add 'driver = sqlite', "
                        "'pgsql' or 'mysql', or use --driver)")));
}

TEST(ValidateSqlConfig, MissingConnectSaysWhatToAdd) {
  SqlConfig config = config_with("sqlite", "x:1");
  config.connect = Setting{};
  EXPECT_THAT([&] { validate_sql_config(config); },
              ThrowsMessage<ConfigError>(
                  StrEq("/etc/dovecot/dovecot-sql.conf.ext: connect not set (add 'connect = "
                        "<connect string>', or use --connect)")));
}

TEST(ValidateSqlConfig, WithoutAFileOnlyTheOptionIsSuggested) {
  SqlConfig config;
  EXPECT_THAT([&] { validate_sql_config(config); },
              ThrowsMessage<ConfigError>(StrEq("driver not set (use --driver)")));
  config.driver = {"sqlite", "--driver"};
  EXPECT_THAT([&] { validate_sql_config(config); },
              ThrowsMessage<ConfigError>(StrEq("connect not set (use --connect)")));
}

TEST(ValidateSqlConfig, UnknownDriverSuggestsClosestAndNamesItsLine) {
  SqlConfig config = config_with("mysq", "/etc/dovecot/dovecot-sql.conf.ext:1");
  EXPECT_THAT([&] { validate_sql_config(config); },
              ThrowsMessage<ConfigError>(
                  StrEq("/etc/dovecot/dovecot-sql.conf.ext:1: unknown driver 'mysq' (did you mean "
                        "'mysql'?); Dovecot 2.3 knows sqlite, pgsql and mysql")));
}

TEST(ValidateSqlConfig, DriverNamesAreCaseSensitive) {
  SqlConfig config = config_with("SQLite", "--driver");
  EXPECT_THAT(
      [&] { validate_sql_config(config); },
      ThrowsMessage<ConfigError>(StrEq("--driver: unknown driver 'SQLite' (did you mean "
                                       "'sqlite'?); Dovecot 2.3 knows sqlite, pgsql and mysql")));
}

TEST(ValidateSqlConfig, UnknownDriverFromAnOptionNamesTheOption) {
  SqlConfig config = config_with("oracle", "--driver");
  EXPECT_THAT([&] { validate_sql_config(config); },
              ThrowsMessage<ConfigError>(StrEq(
                  "--driver: unknown driver 'oracle'; Dovecot 2.3 knows sqlite, pgsql and mysql")));
}

TEST(ValidateSqlConfig, DriverSetToEmptyIsAnUnknownDriver) {
  SqlConfig config = config_with("", "/etc/dovecot/dovecot-sql.conf.ext:1");
  EXPECT_THAT(
      [&] { validate_sql_config(config); },
      ThrowsMessage<ConfigError>(StrEq("/etc/dovecot/dovecot-sql.conf.ext:1: unknown driver "
                                       "''; Dovecot 2.3 knows sqlite, pgsql and mysql")));
}

TEST(IsSqlSetting, KnowsExactlyTheDbSqlSettings) {
  EXPECT_TRUE(is_sql_setting("password_query"));
  EXPECT_TRUE(is_sql_setting("userdb_warning_disable"));
  EXPECT_FALSE(is_sql_setting("Password_query"));
  EXPECT_FALSE(is_sql_setting("args"));
  EXPECT_FALSE(is_sql_setting(""));
}

} // namespace
} // namespace loginref
