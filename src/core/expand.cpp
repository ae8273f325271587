// Dovecot 2.3.19 variable expansion: the expander that walks a template
// (src/lib/var-expand.c: var_expand_with_funcs, var_expand_short,
// var_expand_long, var_expand_try_extension, var_expand_func). Each
// function below names the Dovecot function whose behaviour it reproduces;
// the code is our own. Quirks are kept on purpose and commented where they
// happen. The concepts it calls on have their own files: a field's format
// and modifiers (expand_field), the hash functions (expand_hash), %{if;...}
// (expand_if) and the auth request's variables (auth_var_table).
#include "core/expand.hpp"

#include "core/auth_var_table.hpp"
#include "core/expand_field.hpp"
#include "core/expand_hash.hpp"
#include "core/expand_if.hpp"
#include "core/strfuncs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

namespace loginref {

namespace {

// Dovecot's return convention for every expansion step: 1 expanded,
// 0 unknown variable, -1 error. A template's result is its worst field.
enum class Status : int { error = -1, unknown = 0, ok = 1 };

Status worst(Status a, Status b) { return static_cast<int>(a) < static_cast<int>(b) ? a : b; }

// loginref's own limit, not Dovecot's. Dovecot would happily recurse until
// the stack ends; a tester that is fed hostile templates must not.
constexpr int k_max_depth = 64;

// ---------------------------------------------------------------------------
// The expander: var_expand_with_funcs with auth's table and function table.

class Expander {
public:
  Expander(const AuthVars& vars, const Escaper& escape) : m_vars(vars), m_escape(escape) {}

  Expansion run(std::string_view tmpl);

private:
  Status expand_template(std::string& dest, std::string_view tmpl);
  std::size_t expand_field(std::string& dest, std::string_view tmpl, std::size_t pos,
                           Status& result);
  Status expand_short(char key, std::string& value);
  Status expand_long(std::string_view key, std::string& value);
  Status expand_extension(std::string_view key, std::string_view data, std::string& value);
  Status expand_function(std::string_view key, std::string_view data, std::string& value);
  Status expand_hash(std::string_view key, std::string_view field, std::string& value);
  Status expand_if(std::string_view key, std::string_view field, std::string& value);
  Status fail(Status status, std::string message);
  void set_error(std::string message);

  const AuthVars& m_vars;
  const Escaper& m_escape;
  // Dovecot's *error_r: the last message set, reset by every nested
  // var_expand_with_funcs (if-parameters, salt).
  std::optional<std::string> m_error;
  // The first message ever set: used when Dovecot fails but has left
  // *error_r NULL (it would log "(null)").
  std::optional<std::string> m_first_error;
  int m_depth = 0;
};

// Counts nesting so hostile templates cannot exhaust the stack.
class DepthGuard {
public:
  explicit DepthGuard(int& depth) : m_depth(depth) { ++m_depth; }
  ~DepthGuard() { --m_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  bool too_deep() const { return m_depth > k_max_depth; }

private:
  int& m_depth;
};

void Expander::set_error(std::string message) {
  if (!m_first_error) {
    m_first_error = message;
  }
  m_error = std::move(message);
}

Status Expander::fail(Status status, std::string message) {
  set_error(std::move(message));
  return status;
}

Expansion Expander::run(std::string_view tmpl) {
  Expansion expansion;
  expansion.text.reserve(tmpl.size() + 64);
  const Status status = expand_template(expansion.text, c_string(tmpl));
  if (status != Status::ok) {
    expansion.error = m_error ? *m_error : m_first_error.value_or("expansion failed");
  }
  return expansion;
}

Status Expander::expand_template(std::string& dest, std::string_view tmpl) {
  DepthGuard guard(m_depth);
  if (guard.too_deep()) {
    return fail(Status::error, "template nested more than 64 levels deep (loginref's limit)");
  }
  m_error.reset();
  Status result = Status::ok;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    if (tmpl[pos] != '%') {
      // The literal text up to the next '%', in one append.
      const std::size_t next = std::min(tmpl.find('%', pos), tmpl.size());
      dest.append(tmpl.substr(pos, next - pos));
      pos = next;
    } else {
      pos = expand_field(dest, tmpl, pos + 1, result);
    }
  }
  return result;
}

// One %-field starting after the '%'. Returns where scanning continues.
std::size_t Expander::expand_field(std::string& dest, std::string_view tmpl, std::size_t pos,
                                   Status& result) {
  FieldFormat format = parse_format(tmpl, pos);
  const std::vector<Modifier> modifiers = parse_modifiers(tmpl, pos);
  if (pos >= tmpl.size()) {
    return pos; // a trailing '%' (with any flags) is dropped silently
  }
  std::string value;
  Status status;
  if (tmpl[pos] == '{' && tmpl.find('}', pos) != std::string_view::npos) {
    const std::size_t close = find_closing_brace(tmpl, pos);
    status = expand_long(tmpl.substr(pos + 1, close - pos - 1), value);
    pos = close + 1;
  } else {
    // Includes "%{" with no '}' anywhere after it: the short key '{'.
    status = expand_short(tmpl[pos], value);
    ++pos;
  }
  result = worst(result, status);
  if (status != Status::ok) {
    dest += value; // failed fields get neither modifiers nor width
    return pos;
  }
  for (Modifier modifier : modifiers) {
    value = modifier(value, format);
  }
  append_with_format(dest, value, format);
  if (format.over_limit) {
    result = worst(result,
                   fail(Status::error, "zero padding beyond 65536 characters (loginref's limit)"));
  }
  return pos;
}

// var_expand_short.
Status Expander::expand_short(char key, std::string& value) {
  if (std::optional<std::string> table = auth_var_short(key, m_vars, m_escape)) {
    value = std::move(*table);
    return Status::ok;
  }
  if (key == '%') {
    value = "%";
    return Status::ok;
  }
  value = std::string("UNSUPPORTED_VARIABLE_") + key;
  if (!m_error) { // var_expand_short keeps an earlier message
    set_error(std::string("Unknown variable '%") + key + "'");
  }
  return Status::unknown;
}

// var_expand_long: table names, then the built-ins (hostname, uid, gid;
// "pid" is always the table's), then NAME:DATA for extensions and
// functions.
Status Expander::expand_long(std::string_view key, std::string& value) {
  value.clear();
  DepthGuard guard(m_depth);
  if (guard.too_deep()) {
    return fail(Status::error, "template nested more than 64 levels deep (loginref's limit)");
  }
  if (std::optional<std::string> table = auth_var_long(key, m_vars, m_escape)) {
    value = std::move(*table);
    return Status::ok;
  }
  if (key == "hostname") {
    value = m_vars.hostname;
    return Status::ok;
  }
  if (key == "uid" || key == "gid") {
    value = std::to_string(key == "uid" ? geteuid() : getegid());
    return Status::ok;
  }
  const std::size_t colon = key.find(':');
  if (colon == std::string_view::npos) {
    return expand_extension(key, "", value);
  }
  return expand_extension(key.substr(0, colon), key.substr(colon + 1), value);
}

// var_expand_try_extension: hash methods, pkcs5 and if are matched
// case-insensitively on the part before ';'; everything else goes to the
// function table.
Status Expander::expand_extension(std::string_view key, std::string_view data, std::string& value) {
  const std::string_view name = key.substr(0, key.find(';'));
  if (is_hash_method_name(name) || iequals(name, "pkcs5")) {
    return expand_hash(key, data, value);
  }
  if (iequals(name, "if")) {
    return expand_if(key, data, value);
  }
  const Status status = expand_function(key, data, value);
  if (status == Status::unknown) {
    // Dovecot's wording: the braces are not part of the message.
    set_error("Unknown variable '%" + std::string(key) + "'");
  }
  return status;
}

// var_expand_func with auth_request_var_funcs_table: env, passdb, userdb.
Status Expander::expand_function(std::string_view key, std::string_view data, std::string& value) {
  if (key == "env") {
    const char* env = std::getenv(std::string(data).c_str());
    value = env != nullptr ? env : "";
    return Status::ok;
  }
  if (std::optional<std::string> field = auth_var_func(key, data, m_vars, m_escape)) {
    value = std::move(*field);
    return Status::ok;
  }
  value = "UNSUPPORTED_VARIABLE_" + std::string(key);
  return Status::unknown;
}

// var_expand_hash: %{method[;options]:variable}. The argument is a
// variable name (anything var_expand_long accepts), not a template.
Status Expander::expand_hash(std::string_view key, std::string_view field, std::string& value) {
  const std::size_t semicolon = key.find(';');
  const std::string_view algorithm = key.substr(0, semicolon);
  const bool pkcs5 = algorithm == "pkcs5";
  const HashMethod* method = find_hash_method(pkcs5 ? "sha256" : algorithm);
  if (method == nullptr) {
    // Matched as an extension case-insensitively but looked up with
    // strcmp: Dovecot returns 0 and sets no error message.
    if (!m_first_error) {
      m_first_error = "Unknown hash method '" + std::string(algorithm) +
                      "' (hash names are case-sensitive; Dovecot 2.3.19 logs no reason)";
    }
    return Status::unknown;
  }
  std::string input;
  Status status = expand_long(field, input);
  if (status != Status::ok) {
    return status;
  }
  HashOptions options;
  if (pkcs5) {
    options.rounds = 2048;
    options.salt = field; // the variable's *name* is the default salt
  }
  if (semicolon != std::string_view::npos) {
    const HashOptionsParse parsed = parse_hash_options(key.substr(semicolon + 1), *method, options);
    if (parsed.error) {
      return fail(Status::error, *parsed.error);
    }
    if (parsed.salt_template) {
      options.salt.clear();
      if (expand_template(options.salt, *parsed.salt_template) == Status::error) {
        return Status::error;
      }
    }
  }
  HashResult hash = hash_value(pkcs5, *method, input, options);
  if (hash.error) {
    return fail(Status::error, *hash.error);
  }
  value = std::move(hash.value);
  return Status::ok;
}

// var_expand_if: the key and data are glued back together with ':' (the
// caller split them), parameters are split, each is expanded as a
// template, then compared.
Status Expander::expand_if(std::string_view key, std::string_view field, std::string& value) {
  const IfParameters parameters = if_parameters(key, field);
  if (parameters.error) {
    return fail(Status::error, *parameters.error);
  }
  std::vector<std::string> expanded(parameters.parameters.size());
  for (std::size_t i = 0; i < parameters.parameters.size(); ++i) {
    const Status status = expand_template(expanded[i], parameters.parameters[i]);
    if (status != Status::ok) {
      return status;
    }
  }
  const IfComparison comparison = compare_if(expanded[0], expanded[1], expanded[2]);
  if (comparison.error) {
    return fail(Status::error, *comparison.error);
  }
  value = comparison.result ? expanded[3] : expanded[4];
  return Status::ok;
}

} // namespace

Expansion expand(std::string_view tmpl, const AuthVars& vars, const Escaper& escape) {
  Expander expander(vars, escape);
  return expander.run(tmpl);
}

Escaper no_escape() {
  return [](std::string_view value) { return std::string(value); };
}

} // namespace loginref
