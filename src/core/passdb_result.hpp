// What Dovecot 2.3.19's SQL passdb makes of a query's rows.
//
// Mirrors src/auth/passdb-sql.c (sql_query_callback, sql_query_save_results),
// src/auth/auth-request.c (auth_request_set_field and
// auth_request_handle_passdb_callback) and src/auth/auth-fields.c: the first
// row's columns are applied in column order, NULL columns are skipped, every
// other value (even "", "0", "N" or "f") sets its field, some names are
// handled specially (password, user, nopassword, allow_nets, ...), and when
// the passdb fails every field it set is rolled back.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/driver/driver.hpp"

namespace loginref {

// Dovecot's enum passdb_result, reduced to what passdb-sql can return.
enum class PassdbStatus {
  ok,
  user_unknown,      // zero rows, or the request was marked failed
  password_mismatch, // wrong password, no password, or any verify problem (2.3.19)
  internal_failure,  // query failed, no password column, several rows, ...: tempfail
};

std::string_view to_string(PassdbStatus status);

// One extra field as auth stores it (auth_fields). An empty value is how
// Dovecot stores "" (it sends such a field as a bare "key").
struct PassdbField {
  std::string name;
  std::string value;
  bool hidden = false; // handled by auth itself, never sent to imap-login
};

// Every member has an initializer, so one-liners such as
// PassdbResult{.status = PassdbStatus::ok, .fields = {...}} build without
// GCC 12's -Wmissing-field-initializers.
struct PassdbResult {
  PassdbStatus status = PassdbStatus::internal_failure;
  std::string user{};                     // %u, possibly renamed by a user/username/domain column
  std::optional<std::string> password{};  // "{SCHEME}data"; nullopt when none is stored
  std::vector<PassdbField> fields{};      // in insertion order (a re-set field keeps its place)
  std::vector<PassdbField> rolled_back{}; // fields the failing passdb had set (for "why")
  bool failed = false;            // request->failed: allow_nets, fail, bad delay_until, empty user
  std::vector<std::string> log{}; // what Dovecot would log for this lookup, in order
  std::string failure{};          // why status != ok, in Dovecot's words

  // The field's value ("" for an empty one), or nullptr when it is not set.
  const std::string* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
};

// Facts about the request that the columns are judged against.
struct PassdbInput {
  std::string user{};                // the normalised user (%u)
  std::string default_pass_scheme{}; // from dovecot-sql.conf.ext
  std::string remote_ip{};           // for allow_nets ("" = unknown)
  std::string real_remote_ip{};      // for allow_real_nets
  // The lookup's time, for delay_until's 5-minute limit; nullopt: that
  // limit is not checked.
  std::optional<std::time_t> now{};
};

// Steps 1-4 of sql_query_callback after a successful query: zero rows,
// columns of the first row, missing password column, several rows, missing
// password. Never throws.
PassdbResult read_passdb_result(const driver::QueryResult& rows, const PassdbInput& input);

// The result when the query itself failed ("Password query failed: ...").
PassdbResult passdb_query_failed(const PassdbInput& input, std::string_view error);

// Marks a stored password that did not verify as a mismatch (2.3.19 maps
// every verify problem there), with Dovecot's log line.
void set_password_mismatch(PassdbResult& result, std::string_view log_line);

// auth_request_handle_passdb_callback for a single passdb: a failed request
// turns OK into user_unknown, `noauthenticate` on the last passdb is an
// internal failure, nopassword/noauthenticate are removed, and on any
// failure every field this passdb set is rolled back.
void finish_passdb_lookup(PassdbResult& result);

} // namespace loginref
