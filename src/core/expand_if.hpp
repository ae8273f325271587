// %{if;lhs;op;rhs;then[;else]}, as Dovecot 2.3.19's var_expand_if
// (src/lib/var-expand-if.c) evaluates it: its parameters are split
// (if_parameters), the caller (Expander, expand.cpp) expands each one as a
// template, then `lhs op rhs` is compared (compare_if) and the value is
// `then` or `else`. The comparisons: numbers (== < <= > >= !=), strings in
// strcmp order (eq lt le gt ge ne), wildcards (* !*, wildcard-match.c) and
// POSIX extended regular expressions (~ !~).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loginref {

// The parameters of one %{if;...}, not yet expanded.
struct IfParameters {
  // Exactly five when `error` is unset: lhs, op, rhs, then, else ("" when
  // the template gives four).
  std::vector<std::string> parameters;
  // Dovecot's message: "if: missing parameter(s)" or "if: requires four or
  // five parameters, got N".
  std::optional<std::string> error;
};

// var_expand_if up to the expansion of the parameters: `key` ("if;...")
// and `data` are the two sides of the first ':' in %{key:data}, which
// var_expand_long split and Dovecot glues back together.
IfParameters if_parameters(std::string_view key, std::string_view data);

// The parameter splitter of var_expand_if over what follows "if;" (see
// expand_if.cpp for the quirks it keeps).
std::vector<std::string> split_if_parameters(std::string_view text);

// The outcome of `lhs op rhs`.
struct IfComparison {
  bool result = false;
  // Dovecot's message ("if: ...") for an unknown operator, an operand that
  // is not a number, or a regular expression that does not compile.
  std::optional<std::string> error;
};

// var_expand_if_comp, on the expanded parameters.
IfComparison compare_if(const std::string& lhs, const std::string& op, const std::string& rhs);

// wildcard_match (src/lib/wildcard-match.c): '*' and '?' only, whole string.
bool wildcard_match(std::string_view data, std::string_view mask);

} // namespace loginref
