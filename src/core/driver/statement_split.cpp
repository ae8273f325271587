// The lexer behind is_batchable. It follows the servers' own lexers
// (PostgreSQL 15 src/backend/parser/scan.l, MariaDB 10.11 sql/sql_lex.cc)
// only as far as needed to find where a query ends: outside any literal or
// block comment ("neutral"), inside one ("open"), or somewhere it cannot
// tell ("unsure"). Only "neutral" under every server setting is batchable.
#include "core/driver/statement_split.hpp"

#include <algorithm>
#include <array>

namespace loginref::driver {
namespace {

constexpr std::size_t npos = std::string_view::npos;

enum class Lexed { neutral, open, unsure };

// The server settings that change where a literal ends.
struct Rules {
  SqlDialect dialect = SqlDialect::pgsql;
  // '...' takes backslash escapes: pgsql with standard_conforming_strings
  // off, mysql without NO_BACKSLASH_ESCAPES.
  bool backslash_in_single = false;
  // mysql: "..." is a string with backslash escapes (neither ANSI_QUOTES
  // nor NO_BACKSLASH_ESCAPES). Otherwise "..." only doubles its quote.
  bool backslash_in_double = false;
};

bool is_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Both servers: an identifier starts with a letter, '_' or a non-ASCII
// byte and goes on with those, digits and '$' (pgsql ident_start and
// ident_cont; mysql identifiers may also start with a digit).
bool is_ident_start(unsigned char c) { return is_letter(c) || c == '_' || c >= 0x80; }

bool is_ident_char(unsigned char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

// Whitespace both servers skip (pgsql 15 has no \v; mysql has).
bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The index after the literal or quoted identifier whose opening quote is
// sql[open], or npos when it does not end. With `doubling` a doubled quote
// stands for itself; with `backslash` a backslash takes the next byte,
// whatever it is.
std::size_t skip_quoted(std::string_view sql, std::size_t open, char quote, bool backslash,
                        bool doubling = true) {
  std::size_t at = open + 1;
  while (at < sql.size()) {
    const char c = sql[at];
    if (c == '\\' && backslash) {
      at += 2;
    } else if (c == quote) {
      if (doubling && at + 1 < sql.size() && sql[at + 1] == quote) {
        at += 2;
      } else {
        return at + 1;
      }
    } else {
      ++at;
    }
  }
  return npos;
}

// The index of the newline that ends a line comment starting at `at`, or
// sql.size(): a trailing line comment is ended by the separator's newline.
// pgsql ends it at \n or \r (scan.l: non_newline), mysql at \n only.
std::size_t skip_line_comment(std::string_view sql, std::size_t at, SqlDialect dialect) {
  const std::size_t end = sql.find_first_of(dialect == SqlDialect::pgsql ? "\n\r" : "\n", at);
  return end == npos ? sql.size() : end;
}

// pgsql block comments nest (scan.l: xcdepth). `at` is at "/*"; returns
// the index after the matching "*/", or npos.
std::size_t skip_pgsql_block_comment(std::string_view sql, std::size_t at) {
  int depth = 0;
  at += 2;
  while (at + 1 < sql.size()) {
    if (sql[at] == '/' && sql[at + 1] == '*') {
      ++depth;
      at += 2;
    } else if (sql[at] == '*' && sql[at + 1] == '/') {
      if (depth == 0) {
        return at + 2;
      }
      --depth;
      at += 2;
    } else {
      ++at;
    }
  }
  return npos;
}

// mysql block comments do not nest and end at the first "*/". But
// "/*!...*/" and "/*M!...*/" (executable comments) and "/*+...*/"
// (optimizer hints) are lexed as SQL by some servers and versions and
// skipped by others; their content is only safe when it has nothing that
// lexes differently either way: no quote, backslash, '#', '-', '/' or '*'.
Lexed skip_mysql_block_comment(std::string_view sql, std::size_t& at) {
  const std::size_t body = at + 2;
  const std::size_t close = sql.find("*/", body);
  if (close == npos) {
    return Lexed::open;
  }
  const std::string_view content = sql.substr(body, close - body);
  const bool special =
      content.starts_with('!') || content.starts_with("M!") || content.starts_with('+');
  if (special && content.substr(1).find_first_of("'\"`\\#-/*") != npos) {
    return Lexed::unsure;
  }
  at = close + 2;
  return Lexed::neutral;
}

// mysql: "--" starts a comment only when a space or control character
// follows (sql_lex.cc: my_isspace || my_iscntrl), or nothing does. Past
// ASCII the answer depends on the character set: unsure.
Lexed mysql_dash_dash(std::string_view sql, std::size_t at, bool& comment) {
  comment = false;
  if (at + 2 >= sql.size()) {
    comment = true;
    return Lexed::neutral;
  }
  const auto after = static_cast<unsigned char>(sql[at + 2]);
  if (after <= ' ') {
    comment = true;
  } else if (after >= 0x7f) {
    return Lexed::unsure;
  }
  return Lexed::neutral;
}

// How a pgsql '...' is lexed, from what comes right before its quote.
enum class PgsqlString {
  standard, // '' doubling; backslash escapes with standard_conforming_strings off
  escape,   // E'...': '' doubling, backslash escapes always
  unicode,  // U&'...': '' doubling only
  bits,     // B'...', X'...': the next quote ends it (scan.l: no xqdouble in xb, xh)
  unsure,
};

// pgsql reads a string prefix letter as such only at the start of a token;
// after an identifier's letters it is part of the identifier (date'...' is
// a typed literal). After a number or a parameter ("1e'...'", "$1e'...'")
// PostgreSQL 15 reports junk but older versions took an E string: unsure.
PgsqlString pgsql_string_kind(std::string_view sql, std::size_t quote) {
  if (quote == 0) {
    return PgsqlString::standard;
  }
  std::size_t letter = quote - 1;
  PgsqlString kind = PgsqlString::standard;
  const auto before = static_cast<unsigned char>(sql[letter]);
  if (before == '&') {
    if (letter == 0 || (sql[letter - 1] != 'u' && sql[letter - 1] != 'U')) {
      return PgsqlString::standard; // an & operator
    }
    --letter;
    kind = PgsqlString::unicode;
  } else if (before == 'e' || before == 'E') {
    kind = PgsqlString::escape;
  } else if (before == 'b' || before == 'B' || before == 'x' || before == 'X') {
    kind = PgsqlString::bits;
  } else if (before == 'n' || before == 'N') {
    kind = PgsqlString::standard; // N'...' is a plain string
  } else if (!is_ident_char(before)) {
    return PgsqlString::standard;
  }
  // Does the letter (or the identifier char before the quote) start a
  // token, or continue an identifier or number?
  std::size_t start = letter;
  while (start > 0 && is_ident_char(static_cast<unsigned char>(sql[start - 1]))) {
    --start;
  }
  if (start == letter && is_ident_start(static_cast<unsigned char>(sql[letter]))) {
    return kind; // the prefix letter starts a token
  }
  if (is_ident_start(static_cast<unsigned char>(sql[start]))) {
    return PgsqlString::standard; // an identifier, then a plain string
  }
  return PgsqlString::unsure;
}

// pgsql continues a literal in the next one when only whitespace with a
// newline (and "--" comments) is between them (scan.l: quotecontinue),
// and the continuation is lexed as the first literal was (E, B, U&): a
// lexer of its own here. True when the literal that ended before `at` is
// continued.
bool pgsql_literal_continues(std::string_view sql, std::size_t at) {
  bool newline = false;
  while (at < sql.size()) {
    const char c = sql[at];
    if (c == ' ' || c == '\t' || c == '\f') {
      ++at;
    } else if (c == '\n' || c == '\r') {
      newline = true;
      ++at;
    } else if (c == '-' && at + 1 < sql.size() && sql[at + 1] == '-') {
      at = skip_line_comment(sql, at, SqlDialect::pgsql);
    } else {
      return newline && c == '\'';
    }
  }
  return false;
}

// The delimiter of a pgsql dollar quote opening at sql[at] ("$$" or
// "$tag$"; scan.l: dolqdelim), or empty when none opens there.
std::string_view dollar_delimiter(std::string_view sql, std::size_t at) {
  std::size_t end = at + 1;
  if (end < sql.size() && is_ident_start(static_cast<unsigned char>(sql[end]))) {
    ++end;
    while (end < sql.size() && sql[end] != '$' &&
           is_ident_char(static_cast<unsigned char>(sql[end]))) {
      ++end;
    }
  }
  if (end < sql.size() && sql[end] == '$') {
    return sql.substr(at, end + 1 - at);
  }
  return {};
}

// The bytes where lex() may have something to do, in either dialect.
constexpr std::array<bool, 256> k_plain = [] {
  std::array<bool, 256> plain{};
  plain.fill(true);
  for (const unsigned char c : std::string_view("'\"`#-/$")) {
    plain[c] = false;
  }
  return plain;
}();

// The index of the next byte from `at` that is not plain (or sql.size()):
// most of a query is names and values, and this loop is most of the lexer.
std::size_t skip_plain(std::string_view sql, std::size_t at) {
  while (at < sql.size() && k_plain[static_cast<unsigned char>(sql[at])]) {
    ++at;
  }
  return at;
}

// Where `sql` ends under `rules`.
Lexed lex(std::string_view sql, const Rules& rules) {
  const bool pgsql = rules.dialect == SqlDialect::pgsql;
  std::size_t at = 0;
  while (at < sql.size()) {
    const char c = sql[at];
    const char next = at + 1 < sql.size() ? sql[at + 1] : '\0';
    if (c == '\'') {
      bool backslash = rules.backslash_in_single;
      bool doubling = true;
      if (pgsql) {
        switch (pgsql_string_kind(sql, at)) {
        case PgsqlString::standard:
          break;
        case PgsqlString::escape:
          backslash = true;
          break;
        case PgsqlString::unicode:
          backslash = false;
          break;
        case PgsqlString::bits:
          backslash = false;
          doubling = false;
          break;
        case PgsqlString::unsure:
          return Lexed::unsure;
        }
      }
      // mysql's X'...' and B'...' end at the next quote too, but a quote
      // right after opens a plain string, and anything but digits in them
      // is an error: read as plain strings, they end in the same state.
      at = skip_quoted(sql, at, '\'', backslash, doubling);
      if (pgsql && at != npos && pgsql_literal_continues(sql, at)) {
        return Lexed::unsure;
      }
    } else if (c == '"') {
      // pgsql: a quoted identifier; mysql: a string or (ANSI_QUOTES) one.
      at = skip_quoted(sql, at, '"', !pgsql && rules.backslash_in_double);
    } else if (c == '`' && !pgsql) {
      at = skip_quoted(sql, at, '`', false);
    } else if (c == '#' && !pgsql) {
      at = skip_line_comment(sql, at, rules.dialect);
      continue;
    } else if (c == '-' && next == '-') {
      bool comment = true;
      if (!pgsql && mysql_dash_dash(sql, at, comment) == Lexed::unsure) {
        return Lexed::unsure;
      }
      at = comment ? skip_line_comment(sql, at, rules.dialect) : at + 1;
      continue;
    } else if (c == '/' && next == '*') {
      if (pgsql) {
        at = skip_pgsql_block_comment(sql, at);
      } else if (const Lexed lexed = skip_mysql_block_comment(sql, at); lexed != Lexed::neutral) {
        return lexed;
      }
    } else if (c == '$' && pgsql) {
      const std::string_view delimiter = dollar_delimiter(sql, at);
      if (at > 0 && is_ident_char(static_cast<unsigned char>(sql[at - 1]))) {
        // Inside an identifier ("a$b$") or after a number or parameter,
        // where a dollar quote may or may not open.
        if (!delimiter.empty()) {
          return Lexed::unsure;
        }
        ++at;
      } else if (delimiter.empty()) {
        ++at; // a parameter ($1) or a stray '$': no quote
      } else {
        const std::size_t close = sql.find(delimiter, at + delimiter.size());
        at = close == npos ? npos : close + delimiter.size();
      }
    } else {
      at = skip_plain(sql, at + 1);
    }
    if (at == npos) {
      return Lexed::open;
    }
  }
  return Lexed::neutral;
}

// Skips whitespace, comments and '(' before the first keyword; false when
// something else (or something unsure) comes first.
bool skip_to_first_keyword(std::string_view sql, SqlDialect dialect, std::size_t& at) {
  const bool pgsql = dialect == SqlDialect::pgsql;
  while (at < sql.size()) {
    const char c = sql[at];
    const char next = at + 1 < sql.size() ? sql[at + 1] : '\0';
    if (is_space(static_cast<unsigned char>(c)) || c == '(') {
      ++at;
    } else if (c == '#' && !pgsql) {
      at = skip_line_comment(sql, at, dialect);
    } else if (c == '-' && next == '-') {
      bool comment = true;
      if (!pgsql && (mysql_dash_dash(sql, at, comment) == Lexed::unsure || !comment)) {
        return false;
      }
      at = skip_line_comment(sql, at, dialect);
    } else if (c == '/' && next == '*') {
      if (pgsql) {
        at = skip_pgsql_block_comment(sql, at);
      } else {
        // An executable comment may hold the first keyword: unsure.
        const std::string_view body = sql.substr(at + 2);
        if (body.starts_with('!') || body.starts_with("M!") || body.starts_with('+') ||
            skip_mysql_block_comment(sql, at) != Lexed::neutral) {
          return false;
        }
      }
      if (at == npos) {
        return false;
      }
    } else {
      return true;
    }
  }
  return true;
}

// The first keyword is SELECT, WITH or VALUES: one result, no more.
bool starts_with_query_keyword(std::string_view sql, SqlDialect dialect) {
  std::size_t at = 0;
  if (!skip_to_first_keyword(sql, dialect, at)) {
    return false;
  }
  std::size_t end = at;
  while (end < sql.size() && is_letter(static_cast<unsigned char>(sql[end]))) {
    ++end;
  }
  if (end < sql.size() && is_ident_char(static_cast<unsigned char>(sql[end]))) {
    return false; // SELECT1, select_x: an identifier, not the keyword
  }
  std::string word(sql.substr(at, end - at));
  std::transform(word.begin(), word.end(), word.begin(), [](char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  });
  return word == "SELECT" || word == "WITH" || word == "VALUES";
}

} // namespace

bool ascii_safe_charset(SqlDialect dialect, std::string_view name) {
  static constexpr std::array<std::string_view, 7> k_pgsql_unsafe = {
      "SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB"};
  static constexpr std::array<std::string_view, 5> k_mysql_unsafe = {"big5", "cp932", "gbk", "sjis",
                                                                     "gb18030"};
  const auto unsafe = [name](const auto& names) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  return dialect == SqlDialect::pgsql ? !unsafe(k_pgsql_unsafe) : !unsafe(k_mysql_unsafe);
}

bool is_batchable(std::string_view sql, SqlDialect dialect, bool ascii_safe) {
  // Two memchr scans: find_first_of with a set calls memchr on the set
  // for every byte of the text.
  if (sql.find(';') != npos || sql.find('\0') != npos) {
    return false;
  }
  if (!ascii_safe && std::any_of(sql.begin(), sql.end(),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return false;
  }
  if (!starts_with_query_keyword(sql, dialect)) {
    return false;
  }
  // Without a backslash every setting lexes alike: one pass is enough.
  const bool has_backslash = sql.find('\\') != npos;
  std::array<Rules, 4> all{};
  std::size_t count = 0;
  if (dialect == SqlDialect::pgsql) {
    all[count++] = Rules{dialect, false, false};
    if (has_backslash) {
      all[count++] = Rules{dialect, true, false};
    }
  } else {
    all[count++] = Rules{dialect, true, true}; // the default sql_mode
    if (has_backslash) {
      all[count++] = Rules{dialect, false, false}; // NO_BACKSLASH_ESCAPES
      all[count++] = Rules{dialect, true, false};  // ANSI_QUOTES
      all[count++] = Rules{dialect, false, true};  // no mode does this; checked anyway
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (lex(sql, all[i]) != Lexed::neutral) {
      return false;
    }
  }
  return true;
}

std::string join_statements(std::span<const std::string> sqls) {
  std::size_t size = 0;
  for (const std::string& sql : sqls) {
    size += sql.size() + 3;
  }
  std::string text;
  text.reserve(size);
  for (std::size_t i = 0; i < sqls.size(); ++i) {
    if (i > 0) {
      text += "\n;\n";
    }
    text += sqls[i];
  }
  return text;
}

BatchPlan::BatchPlan(std::span<const std::string> sqls, SqlDialect dialect, bool ascii_safe) {
  m_batchable.reserve(sqls.size());
  m_sizes.reserve(sqls.size());
  for (const std::string& sql : sqls) {
    m_batchable.push_back(is_batchable(sql, dialect, ascii_safe));
    m_sizes.push_back(sql.size());
  }
}

BatchStep BatchPlan::next() const {
  BatchStep step;
  step.begin = m_at;
  step.end = m_at;
  const std::size_t count = m_batchable.size();
  if (m_at >= count) {
    return step;
  }
  if (!m_batchable[m_at]) {
    while (step.end < count && !m_batchable[step.end]) {
      ++step.end;
    }
    return step;
  }
  step.batchable = true;
  std::size_t bytes = 0;
  while (step.end < count && m_batchable[step.end] && step.end - step.begin < m_limit &&
         (step.end == step.begin || bytes + m_sizes[step.end] + 3 <= k_max_message_bytes)) {
    bytes += m_sizes[step.end] + 3;
    ++step.end;
  }
  step.multi = step.end - step.begin > 1;
  return step;
}

void BatchPlan::advance(std::size_t at, bool failed) {
  if (m_at < m_batchable.size() && m_batchable[m_at]) {
    m_limit =
        failed ? std::max<std::size_t>(1, m_limit / 2) : std::min(k_max_statements, m_limit * 2);
  }
  m_at = std::max(m_at, at);
}

} // namespace loginref::driver
