// Policy lint: things Dovecot 2.3.19 accepts without a word that an
// administrator most likely did not mean, beyond the warnings the decision
// itself produces (decision.hpp).
//
// Two kinds. Query lint looks at password_query's text alone, so
// `loginref lint` can run it without a database or a user: every % variable
// with its SQL quoting context, checked against what Dovecot escapes
// (src/auth/auth-request-var-expand.c; taken from expand(), so the two can
// never disagree). Row lint looks at one finished lookup: column names that
// are no field Dovecot knows (auth-request.c auth_request_set_field,
// login-common/client-common-auth.c client_auth_parse_args), flag values
// that look false but set the flag, and field combinations whose effect is
// not what their names suggest. Every warning has a stable code, listed in
// man/loginref.1 (WARNINGS).
#pragma once

#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/lookup.hpp"
#include "core/warning.hpp"

namespace loginref {

// Warnings about password_query's text: query_unknown_variable,
// query_variable_unquoted, query_variable_unescaped. The driver (from
// `config.driver`, "" if unknown) decides whether "..." protects a value:
// only mysql escapes '"'. Never throws.
std::vector<Warning> lint_query(const SqlConfig& config);

// Warnings about one finished lookup's row and outcome: unknown_field,
// flag_value_looks_false, nologin_ignored_by_proxy, reason_line_break,
// nodelay_ignored, nopassword_ignored, port_invalid, host_empty,
// referral_not_secured. Never throws.
std::vector<Warning> lint_report(const Report& report);

// lint_query and lint_report appended to report.warnings, skipping any
// warning already there. This is the one call lookup_login makes.
void add_lint_warnings(Report& report, const SqlConfig& config);

// The field names Dovecot 2.3.19 acts on in a passdb row (exact names;
// userdb_*, user_* and forward_* are prefixes), for did-you-mean.
const std::vector<std::string>& known_passdb_fields();

} // namespace loginref
