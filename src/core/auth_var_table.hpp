// The variables of an auth request, as Dovecot 2.3.19's
// src/auth/auth-request-var-expand.c gives them to var_expand: the table of
// auth_request_get_var_expand_table_full (short keys such as %u, long names
// such as %{orig_domain}) and the function table
// auth_request_var_funcs_table (%{passdb:..}, %{userdb:..}). Values that
// Dovecot escapes go through the driver's escape function here, before any
// modifier runs. The Expander (expand.cpp) asks for one value at a time.
#pragma once

#include "core/expand.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace loginref {

// The value of %`key` (e.g. 'u'), escaped where Dovecot escapes it;
// nullopt when no table entry has that key.
std::optional<std::string> auth_var_short(char key, const AuthVars& vars, const Escaper& escape);

// The value of %{`name`} (e.g. "user", "orig_domain"), escaped where
// Dovecot escapes it; nullopt when no table entry has that name (the
// built-ins hostname, uid and gid are not in the table).
std::optional<std::string> auth_var_long(std::string_view name, const AuthVars& vars,
                                         const Escaper& escape);

// %{passdb:`data`} and %{userdb:`data`}: the field named by `data`
// ("name[:default]"), escaped; nullopt when `name` is neither "passdb" nor
// "userdb".
std::optional<std::string> auth_var_func(std::string_view name, std::string_view data,
                                         const AuthVars& vars, const Escaper& escape);

} // namespace loginref
