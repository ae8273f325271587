// The conservative lexer that decides which queries may share a
// multi-statement message, and the way a batch is cut into messages. The
// expectations follow PostgreSQL 15's scan.l and MariaDB 10.11's
// sql_lex.cc; tests/integration/batch_test.cpp checks the drivers against
// the real servers.
#include "core/driver/statement_split.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace loginref::driver {
namespace {

bool pgsql(std::string_view sql) { return is_batchable(sql, SqlDialect::pgsql); }
bool mysql(std::string_view sql) { return is_batchable(sql, SqlDialect::mysql); }
bool both(std::string_view sql) { return pgsql(sql) && mysql(sql); }
bool neither(std::string_view sql) { return !pgsql(sql) && !mysql(sql); }

TEST(StatementSplit, PlainQueriesAreBatchable) {
  EXPECT_TRUE(both("SELECT 1"));
  EXPECT_TRUE(both("select password from users where userid = 'alice@example.com'"));
  EXPECT_TRUE(both("WITH u AS (SELECT 1 AS x) SELECT x FROM u"));
  EXPECT_TRUE(both("VALUES (1, 'a')"));
  EXPECT_TRUE(both("SELECT\t1\r\n"));
  EXPECT_TRUE(both("SELECT(1)"));
  EXPECT_TRUE(both("SELECT*FROM t"));
}

TEST(StatementSplit, OnlyQueriesWithOneResultAreBatchable) {
  EXPECT_TRUE(neither(""));
  EXPECT_TRUE(neither("   \n\t "));
  EXPECT_TRUE(neither("-- only a comment"));
  EXPECT_TRUE(neither("/* only a comment */"));
  EXPECT_TRUE(neither("CALL lr_proc()"));
  EXPECT_TRUE(neither("COPY users TO STDOUT"));
  EXPECT_TRUE(neither("INSERT INTO t VALUES (1)"));
  EXPECT_TRUE(neither("UPDATE t SET x = 1"));
  EXPECT_TRUE(neither("CREATE TABLE lr_x (x INT)"));
  EXPECT_TRUE(neither("SHOW TABLES"));
  EXPECT_TRUE(neither("EXPLAIN SELECT 1"));
  EXPECT_TRUE(neither("TABLE users"));
  EXPECT_TRUE(neither("DO 1"));
  EXPECT_TRUE(neither("SELECTX 1"));
  EXPECT_TRUE(neither("select_x 1"));
  EXPECT_TRUE(neither("SELECT$1"));
  EXPECT_TRUE(neither("'SELECT' 1"));
  EXPECT_TRUE(neither("\vSELECT 1")); // not whitespace to PostgreSQL 15
}

TEST(StatementSplit, LeadingCommentsAndParenthesesAreSkipped) {
  EXPECT_TRUE(both("/* lookup */ SELECT 1"));
  EXPECT_TRUE(both("-- lookup\nSELECT 1"));
  EXPECT_TRUE(both("((SELECT 1))"));
  EXPECT_TRUE(both(" ( /* a */ ( -- b\n VALUES (1)))"));
  EXPECT_TRUE(pgsql("/* a /* nested */ b */ SELECT 1"));
  EXPECT_TRUE(pgsql("-- a\rSELECT 1"));  // \r ends a pgsql line comment
  EXPECT_FALSE(mysql("-- a\rSELECT 1")); // but not a mysql one
  EXPECT_TRUE(mysql("# lookup\nSELECT 1"));
  EXPECT_FALSE(pgsql("# lookup\nSELECT 1"));
  EXPECT_FALSE(mysql("--x\nSELECT 1")); // minus minus, not a comment
  EXPECT_FALSE(mysql("/*!50000 SELECT */ 1"));
  EXPECT_FALSE(mysql("/*M!100000 SELECT */ 1"));
  EXPECT_FALSE(mysql("/*+ hint */ SELECT 1"));
  EXPECT_TRUE(neither("/* unterminated SELECT 1"));
  EXPECT_TRUE(neither("/* x */ CALL p()"));
}

TEST(StatementSplit, CharsetsThatHideAQuoteInACharacterAreNotAsciiSafe) {
  EXPECT_TRUE(ascii_safe_charset(SqlDialect::pgsql, "UTF8"));
  EXPECT_TRUE(ascii_safe_charset(SqlDialect::pgsql, "LATIN1"));
  EXPECT_FALSE(ascii_safe_charset(SqlDialect::pgsql, "SJIS"));
  EXPECT_FALSE(ascii_safe_charset(SqlDialect::pgsql, "JOHAB"));
  EXPECT_TRUE(ascii_safe_charset(SqlDialect::mysql, "utf8mb4"));
  EXPECT_FALSE(ascii_safe_charset(SqlDialect::mysql, "gbk"));
  EXPECT_FALSE(ascii_safe_charset(SqlDialect::mysql, "cp932"));
  // Each library's own spelling: PostgreSQL's names are upper case.
  EXPECT_TRUE(ascii_safe_charset(SqlDialect::mysql, "SJIS"));
}

TEST(StatementSplit, SemicolonAnywhereIsNotBatchable) {
  EXPECT_TRUE(neither("SELECT 1; SELECT 2"));
  EXPECT_TRUE(neither("SELECT 1;"));
  EXPECT_TRUE(neither("SELECT 'a;b'"));
  EXPECT_TRUE(neither("SELECT 1 -- a;b"));
  EXPECT_TRUE(neither("SELECT 1 /* ; */"));
  EXPECT_TRUE(neither("SELECT \"a;b\""));
  EXPECT_TRUE(neither(std::string_view("SELECT 1\0 x", 11))); // libpq would cut at the NUL
}

TEST(StatementSplit, TrailingLineCommentIsEndedByTheSeparator) {
  EXPECT_TRUE(both("SELECT 1 -- the rest"));
  EXPECT_TRUE(both("SELECT 1 -- it's"));
  EXPECT_TRUE(both("SELECT 1 --"));
  EXPECT_TRUE(mysql("SELECT 1 # it's"));
  EXPECT_TRUE(mysql("SELECT 1 --\tit's"));
  EXPECT_TRUE(both("SELECT 1 -- it's\n, 'x'"));
  EXPECT_FALSE(mysql("SELECT 1 --'"));      // mysql: "--'" is minus minus quote
  EXPECT_FALSE(pgsql("SELECT 1 # 'x"));     // pgsql: '#' is an operator
  EXPECT_FALSE(mysql("SELECT 1 --\xa0'x")); // depends on the character set
}

TEST(StatementSplit, StandardStringsNeedBothConformingSettings) {
  EXPECT_TRUE(both("SELECT 'it''s'"));
  EXPECT_TRUE(both("SELECT ''"));
  EXPECT_TRUE(both("SELECT 'a', 'b'"));
  EXPECT_TRUE(neither("SELECT 'open"));
  EXPECT_TRUE(neither("SELECT 'it''"));
  // 'a\' ends with standard_conforming_strings on, not with it off (nor in
  // mysql by default): ambiguous, so not batchable.
  EXPECT_TRUE(neither("SELECT 'a\\'"));
  // Two readings (the string a\ then a comment, or the string a' -- ),
  // but it ends either way, and the server runs it as it would alone.
  EXPECT_TRUE(both("SELECT 'a\\' -- '"));
  EXPECT_TRUE(both("SELECT 'a\\\\'")); // ends either way
  EXPECT_TRUE(both("SELECT 'a\\x'"));
}

TEST(StatementSplit, PgsqlEscapeStringsAlwaysTakeBackslashes) {
  EXPECT_TRUE(pgsql("SELECT E'it\\'s'"));
  EXPECT_TRUE(pgsql("SELECT e'it\\'s', E'x'"));
  EXPECT_FALSE(pgsql("SELECT E'a\\'"));
  EXPECT_TRUE(pgsql("SELECT 'x' || E'\\\\'"));
  // After an identifier the letter is part of it: date'...' is a plain
  // string, the same whichever setting.
  EXPECT_TRUE(pgsql("SELECT date'2024-01-01'"));
  EXPECT_TRUE(pgsql("SELECT x FROM t WHERE name = 'e'"));
  // After a number or a parameter: an error in PostgreSQL 15, an E string
  // before. Unsure.
  EXPECT_FALSE(pgsql("SELECT 1e'x'"));
  EXPECT_FALSE(pgsql("SELECT $1e'x'"));
}

TEST(StatementSplit, PgsqlBitHexAndUnicodeStringsTakeNoBackslashes) {
  EXPECT_TRUE(pgsql("SELECT B'\\'"));
  EXPECT_TRUE(pgsql("SELECT X'\\'"));
  EXPECT_TRUE(pgsql("SELECT U&'\\0041'"));
  EXPECT_TRUE(pgsql("SELECT u&'\\'"));
  EXPECT_FALSE(pgsql("SELECT X'\\' '"));
  EXPECT_FALSE(pgsql("SELECT N'a\\'")); // N'...' is a plain string
  EXPECT_TRUE(pgsql("SELECT a &'x'"));
}

TEST(StatementSplit, PgsqlLiteralContinuedOnTheNextLineIsUnsure) {
  // 'a'<newline>'b' is one literal 'ab', lexed all as the first part was.
  EXPECT_FALSE(pgsql("SELECT E'a'\n'b'"));
  EXPECT_FALSE(pgsql("SELECT B'1' -- c\n '0'"));
  EXPECT_TRUE(pgsql("SELECT 'a' 'b'"));          // no newline: two literals (an error)
  EXPECT_TRUE(pgsql("SELECT 'a' /* c */\n'b'")); // a block comment ends it too
  EXPECT_TRUE(pgsql("SELECT 'a'\nFROM t"));
  EXPECT_TRUE(mysql("SELECT 'a'\n'b'")); // mysql: two literals, each on its own
}

TEST(StatementSplit, QuotedIdentifiers) {
  EXPECT_TRUE(pgsql("SELECT 1 AS \"it's\""));
  EXPECT_TRUE(pgsql("SELECT 1 AS \"a\"\"b\""));
  EXPECT_TRUE(pgsql("SELECT 1 AS \"a\\\"")); // no escapes in identifiers
  EXPECT_TRUE(pgsql("SELECT 1 AS U&\"x\""));
  EXPECT_FALSE(pgsql("SELECT 1 AS \"open"));
  EXPECT_TRUE(mysql("SELECT 1 AS `it's`"));
  EXPECT_TRUE(mysql("SELECT 1 AS `a``b`"));
  EXPECT_TRUE(mysql("SELECT 1 AS `a\\`")); // no escapes in backticks
  EXPECT_FALSE(mysql("SELECT 1 AS `open"));
  EXPECT_TRUE(pgsql("SELECT 1 AS `x")); // pgsql: '`' is an operator
}

TEST(StatementSplit, PgsqlDollarQuotes) {
  EXPECT_TRUE(pgsql("SELECT $$it's$$"));
  EXPECT_TRUE(pgsql("SELECT $tag$ $$ ' \" /* $tag$"));
  EXPECT_TRUE(pgsql("SELECT $a$ $ab$ $a$"));
  EXPECT_TRUE(pgsql("SELECT $a$x$$a$"));
  EXPECT_FALSE(pgsql("SELECT $$open"));
  EXPECT_FALSE(pgsql("SELECT $tag$ $TAG$"));
  EXPECT_FALSE(pgsql("SELECT $a$ $ab$"));
  EXPECT_TRUE(pgsql("SELECT a$b FROM t"));   // '$' inside an identifier
  EXPECT_FALSE(pgsql("SELECT a$b$ FROM t")); // identifier or quote: unsure
  EXPECT_TRUE(pgsql("SELECT $1"));           // a parameter, no quote
  // mysql has no dollar quotes: '$' is part of identifiers.
  EXPECT_FALSE(mysql("SELECT $$it's$$"));
}

TEST(StatementSplit, BlockComments) {
  EXPECT_TRUE(both("SELECT /* it's */ 1"));
  EXPECT_TRUE(both("SELECT 1 /**/"));
  EXPECT_TRUE(both("SELECT 1 /* a */ /* b */"));
  EXPECT_TRUE(neither("SELECT 1 /* open"));
  EXPECT_TRUE(neither("SELECT 1 /*/"));
  // pgsql nests them, mysql does not.
  EXPECT_TRUE(pgsql("SELECT 1 /* a /* b */ c */"));
  EXPECT_FALSE(pgsql("SELECT 1 /* a /* b */"));
  EXPECT_TRUE(mysql("SELECT 1 /* a /* b */"));
  EXPECT_TRUE(pgsql("SELECT 1 /*/ x */"));
  EXPECT_TRUE(pgsql("SELECT 1 /* x **/"));
}

TEST(StatementSplit, MysqlExecutableComments) {
  EXPECT_TRUE(mysql("SELECT /*!40001 SQL_NO_CACHE */ 1"));
  EXPECT_TRUE(mysql("SELECT 1 /*M!100000 + 1 */"));
  EXPECT_FALSE(mysql("SELECT /*! '*/' */ 1")); // code or comment: unsure
  EXPECT_FALSE(mysql("SELECT /*!99999 -- */ 1"));
  EXPECT_FALSE(mysql("SELECT /*!99999 /* x */ */ 1"));
  EXPECT_FALSE(mysql("SELECT /*+ QB_NAME(`a`) */ 1"));
  EXPECT_FALSE(mysql("SELECT 1 /*! open"));
}

TEST(StatementSplit, MysqlStringsNeedBothBackslashSettings) {
  EXPECT_TRUE(mysql("SELECT 'it''s'"));
  EXPECT_TRUE(mysql("SELECT \"it's\""));
  EXPECT_TRUE(mysql("SELECT \"a\"\"b\""));
  EXPECT_TRUE(mysql("SELECT 'a\\\\'"));
  EXPECT_TRUE(mysql("SELECT 'a\\\\', \"b\\\\\""));
  // mysql_real_escape_string's \' ends the string only with backslash
  // escapes; under NO_BACKSLASH_ESCAPES the text goes on: not batchable.
  EXPECT_FALSE(mysql("SELECT 'o\\'h'"));
  EXPECT_FALSE(mysql("SELECT \"o\\\"h\""));
  EXPECT_FALSE(mysql("SELECT 'a\\'"));
  EXPECT_TRUE(mysql("SELECT 'a\\' -- '")); // ends either way
  EXPECT_FALSE(mysql("SELECT \"a\\\"\"")); // ends only with backslash escapes
  EXPECT_FALSE(mysql("SELECT \"a\\\""));   // ends only as an ANSI_QUOTES identifier
  EXPECT_FALSE(mysql("SELECT 'open"));
  EXPECT_FALSE(mysql("SELECT _utf8mb4'open"));
  EXPECT_TRUE(mysql("SELECT _utf8mb4'x' COLLATE utf8mb4_bin, X'41', B'1', N'y'"));
}

TEST(StatementSplit, CharacterSetsThatHideQuotesAllowOnlyAscii) {
  EXPECT_TRUE(is_batchable("SELECT 'caf\xc3\xa9'", SqlDialect::pgsql, true));
  EXPECT_TRUE(is_batchable("SELECT 'caf\xc3\xa9'", SqlDialect::mysql, true));
  // In sjis 0x95 0x5c is one character whose second byte is '\'.
  EXPECT_FALSE(is_batchable("SELECT '\x95\x5c'", SqlDialect::mysql, false));
  EXPECT_FALSE(is_batchable("SELECT 'caf\xc3\xa9'", SqlDialect::pgsql, false));
  EXPECT_TRUE(is_batchable("SELECT 'cafe'", SqlDialect::pgsql, false));
}

TEST(StatementSplit, JoinEndsEachStatementOnItsOwnLine) {
  const std::vector<std::string> sqls = {"SELECT 1 -- one", "SELECT 2", "SELECT 3 # three"};
  EXPECT_EQ(join_statements(sqls), "SELECT 1 -- one\n;\nSELECT 2\n;\nSELECT 3 # three");
  EXPECT_EQ(join_statements(std::vector<std::string>{"SELECT 1"}), "SELECT 1");
  EXPECT_EQ(join_statements(std::vector<std::string>{}), "");
}

std::vector<std::string> repeated(const std::string& sql, std::size_t count) {
  return std::vector<std::string>(count, sql);
}

TEST(BatchPlan, RunsOfBatchableQueriesBecomeMessages) {
  std::vector<std::string> sqls = repeated("SELECT 1", 600);
  sqls[300] = "SELECT 1; SELECT 2";
  sqls[301] = "CALL p()";
  BatchPlan plan(sqls, SqlDialect::mysql);
  std::vector<BatchStep> steps;
  while (!plan.done()) {
    steps.push_back(plan.next());
    plan.advance(steps.back().end, false);
  }
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].begin, 0u);
  EXPECT_EQ(steps[0].end, k_max_statements);
  EXPECT_TRUE(steps[0].multi);
  EXPECT_EQ(steps[1].begin, k_max_statements);
  EXPECT_EQ(steps[1].end, 300u);
  EXPECT_TRUE(steps[1].multi);
  EXPECT_EQ(steps[2].begin, 300u); // the two others, each alone
  EXPECT_EQ(steps[2].end, 302u);
  EXPECT_FALSE(steps[2].multi);
  EXPECT_FALSE(steps[2].batchable);
  EXPECT_EQ(steps[3].end, 302u + k_max_statements);
  EXPECT_EQ(steps[4].end, 600u);
}

TEST(BatchPlan, MessagesStayBelowTheByteLimit) {
  const std::string sql = "SELECT '" + std::string(1000, 'x') + "'";
  const std::vector<std::string> sqls = repeated(sql, 200);
  BatchPlan plan(sqls, SqlDialect::pgsql);
  const BatchStep step = plan.next();
  EXPECT_TRUE(step.multi);
  EXPECT_LE(step.end * (sql.size() + 3), k_max_message_bytes);
  EXPECT_GT((step.end + 1) * (sql.size() + 3), k_max_message_bytes);
  // A query bigger than a message runs alone.
  BatchPlan big(repeated("SELECT '" + std::string(k_max_message_bytes, 'x') + "'", 2),
                SqlDialect::pgsql);
  EXPECT_FALSE(big.next().multi);
  EXPECT_TRUE(big.next().batchable);
}

TEST(BatchPlan, FailuresHalveTheNextMessageAndCleanMessagesDoubleIt) {
  const std::vector<std::string> sqls = repeated("SELECT 1", 2000);
  BatchPlan plan(sqls, SqlDialect::pgsql);
  std::vector<std::size_t> sizes;
  // Every message fails at its first statement (which then runs alone).
  for (int i = 0; i < 10; ++i) {
    const BatchStep step = plan.next();
    sizes.push_back(step.end - step.begin);
    plan.advance(step.begin + 1, true);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{256, 128, 64, 32, 16, 8, 4, 2, 1, 1}));
  EXPECT_FALSE(plan.next().multi); // one at a time, each alone
  EXPECT_TRUE(plan.next().batchable);
  sizes.clear();
  for (int i = 0; i < 10; ++i) {
    const BatchStep step = plan.next();
    sizes.push_back(step.end - step.begin);
    plan.advance(step.end, false);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 256}));
}

TEST(BatchPlan, QueriesRunAloneDoNotChangeTheMessageSize) {
  std::vector<std::string> sqls = repeated("SELECT 1", 10);
  sqls[0] = "SELECT 1; SELECT 2";
  BatchPlan plan(sqls, SqlDialect::pgsql);
  const BatchStep alone = plan.next();
  EXPECT_FALSE(alone.batchable);
  plan.advance(alone.end, true);
  const BatchStep message = plan.next();
  EXPECT_EQ(message.begin, 1u);
  EXPECT_EQ(message.end, 10u);
  EXPECT_TRUE(message.multi);
}

} // namespace
} // namespace loginref::driver
