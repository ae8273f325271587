// %{if;lhs;op;rhs;then[;else]} (src/lib/var-expand-if.c of Dovecot
// 2.3.19). The code is our own; quirks are kept on purpose and commented
// where they happen.
#include "core/expand_if.hpp"

#include "core/strfuncs.hpp"

#include <regex.h>

#include <cstdint>
#include <utility>

namespace loginref {

namespace {

// regcomp(REG_EXTENDED) + regexec, as Dovecot does; the pattern is not
// anchored.
IfComparison regex_match(const std::string& lhs, const std::string& pattern) {
  regex_t regex;
  const int code = regcomp(&regex, pattern.c_str(), REG_EXTENDED);
  if (code != 0) {
    char message[256];
    regerror(code, &regex, message, sizeof(message));
    return {false, "if: regex failed: " + std::string(message)};
  }
  const bool matched = regexec(&regex, lhs.c_str(), 0, nullptr, 0) == 0;
  regfree(&regex);
  return {matched, std::nullopt};
}

std::optional<bool> compare_numbers(std::int64_t a, std::string_view op, std::int64_t b) {
  if (op == "==") {
    return a == b;
  }
  if (op == "<") {
    return a < b;
  }
  if (op == "<=") {
    return a <= b;
  }
  if (op == ">") {
    return a > b;
  }
  if (op == ">=") {
    return a >= b;
  }
  if (op == "!=") {
    return a != b;
  }
  return std::nullopt;
}

// strcmp order (std::string compares bytes as unsigned char, like strcmp).
std::optional<bool> compare_strings(const std::string& a, std::string_view op,
                                    const std::string& b) {
  const int order = a.compare(b);
  if (op == "eq") {
    return order == 0;
  }
  if (op == "lt") {
    return order < 0;
  }
  if (op == "le") {
    return order <= 0;
  }
  if (op == "gt") {
    return order > 0;
  }
  if (op == "ge") {
    return order >= 0;
  }
  if (op == "ne") {
    return order != 0;
  }
  if (op == "*") {
    return wildcard_match(a, b);
  }
  if (op == "!*") {
    return !wildcard_match(a, b);
  }
  return std::nullopt;
}

} // namespace

// wildcard_match (src/lib/wildcard-match.c): '*' and '?' only, whole string.
bool wildcard_match(std::string_view data, std::string_view mask) {
  std::size_t d = 0;
  std::size_t m = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_data = 0;
  while (d < data.size()) {
    if (m < mask.size() && (mask[m] == '?' || mask[m] == data[d])) {
      ++d;
      ++m;
    } else if (m < mask.size() && mask[m] == '*') {
      star = m++;
      star_data = d;
    } else if (star != std::string_view::npos) {
      m = star + 1;
      d = ++star_data;
    } else {
      return false;
    }
  }
  while (m < mask.size() && mask[m] == '*') {
    ++m;
  }
  return m == mask.size();
}

// var_expand_if_comp.
IfComparison compare_if(const std::string& lhs, const std::string& op, const std::string& rhs) {
  const bool numeric =
      op == "==" || op == "<" || op == "<=" || op == ">" || op == ">=" || op == "!=";
  if (numeric) {
    const std::optional<std::int64_t> a = parse_signed(lhs);
    if (!a) {
      return {false, "if: " + lhs + " (lhs) is not a number"};
    }
    const std::optional<std::int64_t> b = parse_signed(rhs);
    if (!b) {
      return {false, "if: " + rhs + " (rhs) is not a number"};
    }
    return {compare_numbers(*a, op, *b).value_or(false), std::nullopt};
  }
  if (op == "~" || op == "!~") {
    IfComparison match = regex_match(lhs, rhs);
    match.result = match.result != (op == "!~");
    return match;
  }
  const std::optional<bool> result = compare_strings(lhs, op, rhs);
  if (!result) {
    return {false, "if: Unsupported comparator '" + op + "'"};
  }
  return {*result, std::nullopt};
}

// The parameter splitter of var_expand_if. Quirks kept: a backslash makes
// the next character literal and is itself dropped, so "\\\\" yields no
// backslash at all; once a '%' is seen, the next '{' anywhere opens a
// nested expansion; an unescaped ':' at top level ends the parameters; an
// empty last parameter is not counted.
std::vector<std::string> split_if_parameters(std::string_view text) {
  std::vector<std::string> parameters;
  std::string current;
  bool escaped = false;
  bool maybe_variable = false;
  unsigned depth = 0;
  for (char c : text) {
    if (c == '\\') {
      escaped = true;
      continue;
    }
    if (escaped) {
      current += c;
      escaped = false;
      continue;
    }
    if (c == '%') {
      maybe_variable = true;
    } else if (maybe_variable && c == '{') {
      ++depth;
      maybe_variable = false;
    } else if (depth > 0 && c == '}') {
      --depth;
    } else if (depth == 0 && c == ';') {
      parameters.push_back(std::move(current));
      current.clear();
      continue;
    } else if (depth == 0 && c == ':') {
      break;
    }
    current += c;
  }
  if (!current.empty()) {
    parameters.push_back(std::move(current));
  }
  return parameters;
}

// The first half of var_expand_if: the key and data are glued back
// together with ':' and split into parameters; four get an empty `else`.
IfParameters if_parameters(std::string_view key, std::string_view data) {
  const std::string input = std::string(key) + ":" + std::string(data);
  const std::size_t semicolon = input.find(';');
  if (semicolon == std::string::npos) {
    return {{}, "if: missing parameter(s)"};
  }
  std::vector<std::string> parameters =
      split_if_parameters(std::string_view(input).substr(semicolon + 1));
  if (parameters.size() == 4) {
    parameters.emplace_back();
  } else if (parameters.size() != 5) {
    return {{}, "if: requires four or five parameters, got " + std::to_string(parameters.size())};
  }
  return {std::move(parameters), std::nullopt};
}

} // namespace loginref
