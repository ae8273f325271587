// Multi-statement messages for Driver::query_batch: which password_query
// texts may share one message with others, how they are joined, and how a
// batch is cut into messages.
//
// Dovecot 2.3 sends each user's expanded password_query alone. Sending 256
// of them in one message (PostgreSQL's simple Query protocol, MariaDB with
// multi statements on) saves the server about half its CPU per query, but
// the server then splits the message at each ';' with its own lexer. A
// query that ends inside a string literal, a quoted identifier or a block
// comment would swallow the next query, and a ';' of its own would split
// it: such queries are "not batchable" and run alone, exactly as before.
// The lexer here is conservative: whatever it cannot be sure of is not
// batchable.
//
// Compiled into each driver module that uses it (the modules link no
// loginref code, module.hpp) and into the unit tests.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace loginref::driver {

enum class SqlDialect { pgsql, mysql };

// At most this many statements, and about this many bytes, per message:
// audit's chunk (256 users), well below MariaDB's max_allowed_packet.
inline constexpr std::size_t k_max_statements = 256;
inline constexpr std::size_t k_max_message_bytes = 64 * 1024;

// True when `sql` may share a multi-statement message: it has no ';' (nor
// NUL) at all; it ends outside every string literal, quoted identifier and
// block comment under every setting the server may have (pgsql: with
// standard_conforming_strings on and off; mysql: with and without
// NO_BACKSLASH_ESCAPES and ANSI_QUOTES); and its first keyword, after
// whitespace, comments and '(', is SELECT, WITH or VALUES, so it gives
// exactly one result. `ascii_safe` is false for connection character sets
// (big5, gbk, sjis, ...) whose multibyte characters may contain the byte
// of a quote or backslash: then only pure ASCII text is batchable.
bool is_batchable(std::string_view sql, SqlDialect dialect, bool ascii_safe = true);

// The `ascii_safe` of is_batchable for a connection's character set, by
// the name the client library gives it (pgsql: pg_encoding_to_char of
// PQclientEncoding, e.g. "UTF8"; mysql: mysql_character_set_name, e.g.
// "utf8mb4"). False for the client-only sets whose second byte of a
// character may be the byte of a quote or backslash (pgsql: SJIS,
// SHIFT_JIS_2004, BIG5, GBK, UHC, GB18030, JOHAB; mysql: big5, cp932, gbk,
// sjis, and MySQL's gb18030): the server converts such text before it
// lexes it, this lexer does not.
bool ascii_safe_charset(SqlDialect dialect, std::string_view name);

// The text of one message: the statements joined by "\n;\n". The newline
// before ';' ends a trailing "-- comment" (or mysql "# comment").
std::string join_statements(std::span<const std::string> sqls);

// One step of a batch: the queries [begin, end), either sent together as
// one multi-statement message (`multi`) or each run alone.
struct BatchStep {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool multi = false;     // one message for all of them
  bool batchable = false; // all are batchable (also a lone one run alone)
};

// Cuts a batch into steps: runs of consecutive batchable queries become
// messages of up to k_max_statements (fewer near k_max_message_bytes); the
// other queries run alone. When a statement fails, the server skips the
// rest of its message, so the next message starts after it. Each failure
// halves the next message and each clean message doubles it again (up to
// k_max_statements): a password_query that fails for every user costs
// about one query per user, not one message per user carrying all the
// rest, and PostgreSQL (which parses a whole message before running it)
// is not made to parse the same statements over and over.
class BatchPlan {
public:
  BatchPlan(std::span<const std::string> sqls, SqlDialect dialect, bool ascii_safe = true);

  bool done() const { return m_at >= m_batchable.size(); }

  // The next step, starting at the first query without an outcome.
  BatchStep next() const;

  // Every query before `at` has its outcome now; `failed`: a query of the
  // step (that began at the previous `at`) failed.
  void advance(std::size_t at, bool failed);

private:
  std::vector<bool> m_batchable;
  std::vector<std::size_t> m_sizes;
  std::size_t m_at = 0;
  std::size_t m_limit = k_max_statements;
};

} // namespace loginref::driver
