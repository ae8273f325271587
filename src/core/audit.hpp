// loginref audit: the password_query for every user, without passwords,
// and a summary of what Dovecot would decide. The users come from the
// config's iterate_query (as `doveadm user '*'` lists them) or from a file;
// both are read as a stream, and the summary keeps counts only, so memory
// does not grow with the number of users.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/batch.hpp"
#include "core/config.hpp"
#include "core/decision.hpp"
#include "core/driver/driver.hpp"
#include "core/lookup.hpp"

namespace loginref {

// Runs the config's iterate_query on `db` and hands each user name to
// `sink` as its row arrives, built as Dovecot 2.3.19 builds it
// (userdb-sql.c: userdb_sql_iterate_get_user): the `user` column if it is
// the first column, else `username`, with "@" and `domain` appended when
// a domain column exists and is not NULL. Throws DriverError when the
// query fails, and ConfigError for a row Dovecot would stop at ("Iterate
// query didn't return 'user' field", "Iterate query returned NULL user").
void iterate_users(driver::Driver& db, const SqlConfig& config, const UserSink& sink);

// Hands each line of `in` to `sink` as a user name: one per line, a
// trailing CR dropped, empty lines skipped.
void read_users(std::istream& in, const UserSink& sink);

// Where a login is sent: "referral HOST:PORT" or "proxy HOST:PORT", or ""
// for the other decisions.
std::string target_of(const Report& report);

// "1,204": counts as the text outputs show them.
std::string format_count(std::uint64_t count);

// The counts of an audit: decisions, warning codes (each counted once per
// user), and referral/proxy target hosts.
class AuditSummary {
public:
  void add(const Report& report);

  std::uint64_t users() const { return m_users; }
  std::uint64_t count(DecisionKind kind) const;
  std::uint64_t tempfails() const { return count(DecisionKind::tempfail); }

  // The summary as text (after the listed users, if any). `source` says
  // where the users came from.
  void write_text(std::ostream& out, std::string_view source) const;
  // The final JSON Lines object: {"summary": {...}} (keys in man/loginref.1).
  void write_json(std::ostream& out, std::string_view source) const;

private:
  std::uint64_t m_users = 0;
  std::map<DecisionKind, std::uint64_t> m_decisions;
  std::map<std::string, std::uint64_t> m_warnings;
  std::map<std::string, std::uint64_t> m_targets; // "referral host", "proxy host"
};

// One audited user as a text line: "DECISION USER[ -> TARGET]: RESPONSE",
// and for a tempfail "tempfail USER: ERROR".
void write_audit_user_text(std::ostream& out, const Report& report);

// One audited user as one JSON Lines object (keys in man/loginref.1).
void write_audit_user_json(std::ostream& out, const Report& report);

// The warning audit leaves out of its outputs: it never has passwords, and
// says so once instead of once per user.
bool is_audit_silenced_warning(std::string_view code);

} // namespace loginref
