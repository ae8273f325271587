#include "core/config.hpp"

#include "core/error.hpp"
#include "core/suggest.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <glob.h>
#include <optional>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace loginref {

namespace {

// The keys of src/auth/db-sql.c `setting_defs` (Dovecot 2.3.19). Matching is
// case-sensitive there (parse_setting_from_defs uses strcmp).
struct SettingDef {
  std::string_view name;
  Setting SqlConfig::*member;
  bool is_bool;
};

constexpr std::array<SettingDef, 8> k_setting_defs{{
    {"driver", &SqlConfig::driver, false},
    {"connect", &SqlConfig::connect, false},
    {"password_query", &SqlConfig::password_query, false},
    {"user_query", &SqlConfig::user_query, false},
    {"update_query", &SqlConfig::update_query, false},
    {"iterate_query", &SqlConfig::iterate_query, false},
    {"default_pass_scheme", &SqlConfig::default_pass_scheme, false},
    {"userdb_warning_disable", &SqlConfig::userdb_warning_disable, true},
}};

// The drivers src/lib-sql/sql-api.c `sql_driver_lookup` can find in a
// stock Debian 12 Dovecot 2.3 (matched with strcmp, so case-sensitive).
const std::vector<std::string> k_driver_names{"sqlite", "pgsql", "mysql"};

std::vector<std::string> setting_names() {
  std::vector<std::string> names;
  for (const SettingDef& def : k_setting_defs) {
    names.emplace_back(def.name);
  }
  return names;
}

const SettingDef* find_setting(std::string_view key) {
  for (const SettingDef& def : k_setting_defs) {
    if (def.name == key) {
      return &def;
    }
  }
  return nullptr;
}

// Dovecot's IS_WHITE: only space and tab, never '\r' or other whitespace.
bool is_white(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_leading_white(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size() && is_white(text[start])) {
    ++start;
  }
  return text.substr(start);
}

std::string_view trim_trailing_white(std::string_view text) {
  while (!text.empty() && is_white(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// A "file:line" location; errors and Setting::origin use the same form.
struct Location {
  std::string file;
  unsigned line = 0;

  std::string str() const { return file + ":" + std::to_string(line); }
};

[[noreturn]] void fail(const Location& where, const std::string& what) {
  throw ConfigError(where.str() + ": " + what);
}

// One file being read. The whole file is loaded at once; Dovecot reads it
// through an istream with no size limit (SIZE_MAX), so a 1 MB line is fine.
struct SourceFile {
  std::string path;
  std::string text;
  std::size_t offset = 0;
  unsigned line_number = 0;
  dev_t device = 0;
  ino_t inode = 0;
};

// Reads `path` whole. Returns the errno on failure (0 on success), so the
// caller can word the message for the top-level file or an !include.
int read_source_file(const std::string& path, SourceFile& file) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  struct stat info {};
  int error = fstat(fd, &info) == 0 ? 0 : errno;
  if (error == 0 && S_ISDIR(info.st_mode)) {
    // Dovecot 2.3 opens a directory fine and then reads "nothing" (the read
    // fails with EISDIR, which settings_read_i never checks). Saying so is
    // clearer than an empty configuration.
    error = EISDIR;
  }
  char buffer[65536];
  while (error == 0) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      error = got < 0 ? errno : 0;
      break;
    }
    file.text.append(buffer, static_cast<std::size_t>(got));
  }
  close(fd);
  file.path = path;
  file.device = info.st_dev;
  file.inode = info.st_ino;
  return error;
}

// The next physical line, as src/lib/istream.c `i_stream_next_line` returns
// it: without the '\n', without one '\r' just before it (also on a last line
// without '\n'), and ending at the first NUL byte because settings_read_i
// treats the line as a C string.
bool next_physical_line(SourceFile& file, std::string& line) {
  if (file.offset >= file.text.size()) {
    return false;
  }
  std::size_t end = file.text.find('\n', file.offset);
  const std::size_t next = end == std::string::npos ? file.text.size() : end + 1;
  if (end == std::string::npos) {
    end = file.text.size();
  }
  if (end > file.offset && file.text[end - 1] == '\r') {
    --end;
  }
  line.assign(file.text, file.offset, end - file.offset);
  line.resize(std::strlen(line.c_str()));
  file.offset = next;
  ++file.line_number;
  return true;
}

// Cuts a '#' comment as settings_read_i does: '...' and "..." protect a '#',
// a backslash inside quotes skips the next character, and an unclosed quote
// ends the scan (the rest of the line is kept). A '#' right after a non-blank
// is still a comment; Dovecot only warns ("Ambiguous '#' character").
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\'' || line[i] == '"') {
      const char quote = line[i];
      for (++i; i < line.size() && line[i] != quote; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
        }
      }
      if (i >= line.size()) {
        break;
      }
    } else if (line[i] == '#') {
      return line.substr(0, i);
    }
  }
  return line;
}

// src/lib/strescape.c `str_unescape`: "\x" becomes "x"; a lone trailing
// backslash is dropped.
std::string unescape(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
      if (i == text.size()) {
        break;
      }
    }
    result += text[i];
  }
  return result;
}

// settings.c `expand_environment_vars`: "$ENV:NAME" is replaced only at the
// start of the value or after a space/tab, and NAME runs to the next space
// (a tab does not end it). An unset variable expands to nothing; every other
// '$' is kept.
std::string expand_environment_vars(std::string_view value) {
  std::string result;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t dollar = value.find('$', pos);
    if (dollar == std::string_view::npos) {
      result.append(value.substr(pos));
      return result;
    }
    result.append(value.substr(pos, dollar - pos));
    const bool word_start = dollar == 0 || is_white(value[dollar - 1]);
    if (!word_start || !value.substr(dollar).starts_with("$ENV:")) {
      result += '$';
      pos = dollar + 1;
      continue;
    }
    const std::size_t name_end = value.find(' ', dollar);
    const std::string name(value.substr(dollar + 5, name_end == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : name_end - dollar - 5));
    if (const char* env_value = std::getenv(name.c_str())) {
      result += env_value;
    }
    if (name_end == std::string_view::npos) {
      return result;
    }
    pos = name_end;
  }
}

// The value of a `key = value` line: whole-value quotes are stripped and
// unescaped, otherwise $ENV: is expanded. A value such as `'a' OR 'b'`
// counts as quoted too (first and last character are the same quote), just
// as in Dovecot 2.3; a lone `"` becomes the empty string.
std::string parse_value(std::string_view raw) {
  if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front()) {
    return raw.size() < 2 ? std::string() : unescape(raw.substr(1, raw.size() - 2));
  }
  return expand_environment_vars(raw);
}

// settings.c `fix_relative_path`: a relative !include path is taken relative
// to the directory part of the including file's path *as written*.
std::string resolve_include_path(std::string_view pattern, const std::string& including_file) {
  if (pattern.starts_with('/')) {
    return std::string(pattern);
  }
  const std::size_t slash = including_file.rfind('/');
  if (slash == std::string::npos) {
    return std::string(pattern);
  }
  return including_file.substr(0, slash + 1) + std::string(pattern);
}

// Reads one file and its includes into a SqlConfig, following
// src/lib-settings/settings.c `settings_read_i` (Dovecot 2.3.19).
class ConfigReader {
public:
  explicit ConfigReader(SqlConfig& config) : m_config(config) {}

  void read(const std::string& path);

private:
  void read_lines();
  void handle_line(const std::string& line, const Location& where);
  void handle_include(std::string_view pattern, bool is_try, const Location& where);
  void push_include(const std::string& path, bool is_try, const Location& where);
  void handle_setting(std::string_view key, std::string_view raw_value, const Location& where);
  void handle_section(std::string_view rest, const Location& where);
  void handle_section_end(const Location& where);

  SqlConfig& m_config;
  std::vector<SourceFile> m_stack; // the file being read is back()
  unsigned m_section_depth = 0;
  std::string m_continued; // joined '\'-continued lines so far
  std::optional<Location> m_continued_start;
};

void ConfigReader::read(const std::string& path) {
  SourceFile root;
  const int error = read_source_file(path, root);
  if (error != 0) {
    throw ConfigError(path + ": cannot read: " + std::strerror(error));
  }
  m_stack.push_back(std::move(root));
  read_lines();
  // A '\' on the very last line is dropped silently, as in Dovecot; an
  // unclosed section is not an error there either.
}

void ConfigReader::read_lines() {
  std::string physical;
  while (!m_stack.empty()) {
    if (!next_physical_line(m_stack.back(), physical)) {
      // An included file ends: continue in the includer. A pending '\'
      // continuation carries over, because settings_read_i keeps its
      // full_line buffer across files.
      m_stack.pop_back();
      continue;
    }
    const Location here{m_stack.back().path, m_stack.back().line_number};
    std::string_view line = skip_leading_white(physical);
    // Empty and comment lines are skipped even in the middle of a
    // continuation, so they do not end it.
    if (line.empty() || line.front() == '#') {
      continue;
    }
    line = trim_trailing_white(strip_comment(line));
    if (line.ends_with('\\')) {
      line.remove_suffix(1);
      m_continued.append(trim_trailing_white(line));
      m_continued += ' ';
      if (!m_continued_start) {
        m_continued_start = here;
      }
      continue;
    }
    const Location start = m_continued_start.value_or(here);
    const std::string logical = m_continued + std::string(line);
    m_continued.clear();
    m_continued_start.reset();
    handle_line(logical, start);
  }
}

// One logical line: `key = value`, `!include[_try] path`, `name [name] {`
// or `}`. The key runs up to a space, tab or '='.
void ConfigReader::handle_line(const std::string& line, const Location& where) {
  std::size_t key_end = 0;
  while (key_end < line.size() && !is_white(line[key_end]) && line[key_end] != '=') {
    ++key_end;
  }
  const std::string_view key = std::string_view(line).substr(0, key_end);
  const std::string_view rest = skip_leading_white(std::string_view(line).substr(key_end));
  // "!include=x" is not an include in Dovecot (its key ends at '=' without
  // being cut there), so it falls through to an unknown setting "!include".
  const bool key_ended_at_equals = key_end < line.size() && line[key_end] == '=';
  if (!key_ended_at_equals && (key == "!include" || key == "!include_try")) {
    handle_include(rest, key == "!include_try", where);
  } else if (rest.starts_with('=')) {
    handle_setting(key, skip_leading_white(rest.substr(1)), where);
  } else if (key == "}" && rest.empty()) {
    handle_section_end(where);
  } else {
    handle_section(rest, where);
  }
}

// settings.c `settings_include`: the pattern is globbed with GLOB_BRACE and
// each match is pushed onto the input stack in glob order, so the *last*
// match is read first and the first match's values win.
void ConfigReader::handle_include(std::string_view pattern, bool is_try, const Location& where) {
  const std::string resolved = resolve_include_path(pattern, m_stack.back().path);
  glob_t matches{};
  const int result = glob(resolved.c_str(), GLOB_BRACE, nullptr, &matches);
  if (result == GLOB_NOMATCH) {
    globfree(&matches);
    if (is_try) {
      return;
    }
    fail(where, "!include: no file matches '" + resolved +
                    "' (use !include_try if the file may be missing)");
  }
  if (result != 0) {
    globfree(&matches);
    fail(where, "!include: cannot expand '" + resolved +
                    "': " + (result == GLOB_NOSPACE ? "out of memory" : "read error"));
  }
  std::vector<std::string> paths(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  globfree(&matches);
  for (const std::string& path : paths) {
    push_include(path, is_try, where);
  }
}

// settings.c `settings_add_include`. Dovecot detects recursion by comparing
// path strings only ("a.conf" including "./a.conf" would recurse until it
// runs out of file descriptors); we also compare the file's identity so
// such a loop is reported instead.
void ConfigReader::push_include(const std::string& path, bool is_try, const Location& where) {
  const std::string recursive = "recursive !include of '" + path + "' (it is already being read)";
  for (const SourceFile& open_file : m_stack) {
    if (open_file.path == path) {
      fail(where, recursive);
    }
  }
  SourceFile file;
  const int error = read_source_file(path, file);
  if (error != 0) {
    // !include_try ignores a file it cannot open, as Dovecot does.
    if (is_try) {
      return;
    }
    fail(where, "!include: cannot read '" + path + "': " + std::strerror(error));
  }
  for (const SourceFile& open_file : m_stack) {
    if (open_file.device == file.device && open_file.inode == file.inode) {
      fail(where, recursive);
    }
  }
  m_stack.push_back(std::move(file));
}

// db-sql.c `parse_setting` via settings.c `parse_setting_from_defs`. Inside
// a section Dovecot calls no setting callback at all, so there even unknown
// keys and bad booleans go unnoticed.
void ConfigReader::handle_setting(std::string_view key, std::string_view raw_value,
                                  const Location& where) {
  const std::string value = parse_value(raw_value);
  if (m_section_depth > 0) {
    return;
  }
  const SettingDef* def = find_setting(key);
  if (def == nullptr) {
    fail(where, "unknown setting '" + std::string(key) + "'" + did_you_mean(key, setting_names()));
  }
  Setting& setting = m_config.*(def->member);
  setting.origin = where.str();
  if (!def->is_bool) {
    setting.value = value;
    return;
  }
  // settings.c `get_bool`: "yes" or "no", compared case-insensitively.
  if (strcasecmp(value.c_str(), "yes") == 0) {
    setting.value = "yes";
  } else if (strcasecmp(value.c_str(), "no") == 0) {
    setting.value = "no";
  } else {
    fail(where,
         "invalid boolean '" + value + "' for " + std::string(def->name) + " (use yes or no)");
  }
}

// `type [name] {` opens a section; Dovecot 2.3 reads db-sql.conf sections
// with no section callback, so everything up to the matching '}' is skipped.
// Anything else that is neither a setting nor an include is an error.
void ConfigReader::handle_section(std::string_view rest, const Location& where) {
  if (!rest.starts_with('{')) {
    std::size_t name_end = 0;
    while (name_end < rest.size() && !is_white(rest[name_end])) {
      ++name_end;
    }
    rest = skip_leading_white(rest.substr(name_end));
  }
  if (!rest.starts_with('{')) {
    fail(where, "expecting '=' (a 'key = value' line)");
  }
  ++m_section_depth;
}

void ConfigReader::handle_section_end(const Location& where) {
  if (m_section_depth == 0) {
    fail(where, "unexpected '}' (no section is open)");
  }
  --m_section_depth;
}

// Where a validation message points: the setting's own origin, or the file.
std::string where_set(const Setting& setting, const SqlConfig& config) {
  if (setting.origin != "default") {
    return setting.origin;
  }
  return config.path.empty() ? std::string("driver") : config.path;
}

// "<path>: <what> (add '<line>', or use <option>)", or without a file
// (everything came from options) just "<what> (use <option>)".
std::string missing_setting(const SqlConfig& config, const std::string& what,
                            const std::string& line_to_add, const std::string& option) {
  if (config.path.empty()) {
    return what + " (use " + option + ")";
  }
  return config.path + ": " + what + " (add " + line_to_add + ", or use " + option + ")";
}

} // namespace

SqlConfig load_sql_config(const std::string& path) {
  SqlConfig config;
  config.path = path;
  ConfigReader reader(config);
  reader.read(path);
  return config;
}

// db-sql.c `db_sql_init` makes a missing driver or connect fatal; a `driver`
// set to an empty value counts as set there and fails later in sql-api.c
// `sql_init_full` as an unknown driver, so that is what we report too.
void validate_sql_config(const SqlConfig& config) {
  if (config.driver.value.empty() && config.driver.origin == "default") {
    throw ConfigError(missing_setting(config, "driver not set",
                                      "'driver = sqlite', 'pgsql' or 'mysql'", "--driver"));
  }
  if (config.connect.value.empty() && config.connect.origin == "default") {
    throw ConfigError(
        missing_setting(config, "connect not set", "'connect = <connect string>'", "--connect"));
  }
  for (const std::string& name : k_driver_names) {
    if (config.driver.value == name) {
      return;
    }
  }
  throw ConfigError(where_set(config.driver, config) + ": unknown driver '" + config.driver.value +
                    "'" + did_you_mean(config.driver.value, k_driver_names) +
                    "; Dovecot 2.3 knows sqlite, pgsql and mysql");
}

bool is_sql_setting(std::string_view key) { return find_setting(key) != nullptr; }

} // namespace loginref
