// The audit's user sources and summary. JSON Lines are written with
// nlohmann_json here, as output_json.cpp writes single reports: the audit
// has its own object shapes (one per user, one summary).
#include "core/audit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/expand.hpp"

namespace loginref {

namespace {

// The first column named `name`, as sql_result_find_field() finds it.
std::optional<std::size_t> find_column(const std::vector<std::string>& columns,
                                       std::string_view name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

std::string share_text(std::uint64_t count, std::uint64_t total) {
  char text[16];
  std::snprintf(text, sizeof(text), "%.1f%%",
                total == 0 ? 0.0 : 100.0 * static_cast<double>(count) / static_cast<double>(total));
  return text;
}

// A share rounded to four decimals, so JSON shows 0.1111, not 0.1111111111111111.
double share(std::uint64_t count, std::uint64_t total) {
  if (total == 0) {
    return 0.0;
  }
  return std::round(10000.0 * static_cast<double>(count) / static_cast<double>(total)) / 10000.0;
}

// Entries by count, most first, then by name.
std::vector<std::pair<std::string, std::uint64_t>>
by_count(const std::map<std::string, std::uint64_t>& counts) {
  std::vector<std::pair<std::string, std::uint64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const std::pair<std::string, std::uint64_t>& a,
         const std::pair<std::string, std::uint64_t>& b) { return a.second > b.second; });
  return sorted;
}

void write_table(std::ostream& out, const std::vector<std::pair<std::string, std::uint64_t>>& rows,
                 std::uint64_t total) {
  std::size_t name_width = 0;
  std::size_t count_width = 0;
  for (const std::pair<std::string, std::uint64_t>& row : rows) {
    name_width = std::max(name_width, row.first.size());
    count_width = std::max(count_width, format_count(row.second).size());
  }
  for (const std::pair<std::string, std::uint64_t>& row : rows) {
    const std::string count = format_count(row.second);
    out << "  " << row.first << std::string(name_width - row.first.size() + 2, ' ')
        << std::string(count_width - count.size(), ' ') << count << "  "
        << std::string(6 - std::min<std::size_t>(6, share_text(row.second, total).size()), ' ')
        << share_text(row.second, total) << '\n';
  }
}

nlohmann::ordered_json target_json(const Report& report) {
  if (report.decision.referral) {
    return {{"kind", "referral"},
            {"host", report.decision.referral->host},
            {"port", report.decision.referral->port}};
  }
  if (report.decision.proxy) {
    return {{"kind", "proxy"},
            {"host", report.decision.proxy->host},
            {"port", report.decision.proxy->port}};
  }
  return nullptr;
}

// "referral HOST" / "proxy HOST": the summary groups by host, not port.
std::optional<std::string> target_host(const Report& report) {
  if (report.decision.referral) {
    return "referral " + report.decision.referral->host;
  }
  if (report.decision.proxy) {
    return "proxy " + report.decision.proxy->host;
  }
  return std::nullopt;
}

} // namespace

void iterate_users(driver::Driver& db, const SqlConfig& config, const UserSink& sink) {
  // userdb_sql_iterate_init expands iterate_query like any query. On an
  // expansion error Dovecot logs it and still sends what it expanded (so
  // LIKE 'a%' silently becomes another query); an audit of the wrong users
  // is worse than none, so loginref stops.
  const Escaper escape = [&db](std::string_view value) { return db.escape(value); };
  const Expansion query = expand(config.iterate_query.value, AuthVars{}, escape);
  const std::string where = config.iterate_query.origin + ": iterate_query: ";
  if (query.error) {
    throw ConfigError(where + *query.error +
                      " (Dovecot logs \"Failed to expand iterate_query\" and runs what it "
                      "expanded; write %% for a literal %)");
  }
  std::uint64_t row_number = 0;
  db.query_each(query.text, [&](const std::vector<std::string>& columns, const driver::Row& row) {
    ++row_number;
    const std::string at = where + "row " + format_count(row_number) + ": ";
    // "user" counts only as the first column (idx == 0 in Dovecot).
    const std::optional<std::size_t> user = find_column(columns, "user");
    if (user && *user == 0) {
      if (!row[0]) {
        throw ConfigError(at + "user is NULL (Dovecot logs \"sql: Iterate query returned NULL "
                               "user\" and stops iterating)");
      }
      sink(*row[0]);
      return;
    }
    const std::optional<std::size_t> username = find_column(columns, "username");
    if (!username) {
      throw ConfigError(at + "no 'user' first column and no 'username' column (Dovecot logs "
                             "\"sql: Iterate query didn't return 'user' field\" and stops "
                             "iterating)");
    }
    if (!row[*username]) {
      throw ConfigError(at + "username is NULL (Dovecot logs \"sql: Iterate query returned NULL "
                             "user\" and stops iterating)");
    }
    std::string name = *row[*username];
    const std::optional<std::size_t> domain = find_column(columns, "domain");
    if (domain && row[*domain]) {
      name += "@" + *row[*domain];
    }
    sink(std::move(name));
  });
}

void read_users(std::istream& in, const UserSink& sink) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!line.empty()) {
      sink(line);
    }
  }
}

std::string target_of(const Report& report) {
  if (report.decision.referral) {
    return "referral " + report.decision.referral->host + ":" +
           std::to_string(report.decision.referral->port);
  }
  if (report.decision.proxy) {
    return "proxy " + report.decision.proxy->host + ":" +
           std::to_string(report.decision.proxy->port);
  }
  return "";
}

std::string format_count(std::uint64_t count) {
  // Built front to back (GCC 12 -O3 warns, -Wrestrict, a false positive,
  // on string::insert here).
  const std::string digits = std::to_string(count);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      text += ',';
    }
    text += digits[i];
  }
  return text;
}

bool is_audit_silenced_warning(std::string_view code) { return code == "password_check_skipped"; }

void AuditSummary::add(const Report& report) {
  ++m_users;
  ++m_decisions[report.decision.kind];
  std::vector<std::string_view> seen;
  for (const Warning& warning : report.warnings) {
    if (is_audit_silenced_warning(warning.code) ||
        std::find(seen.begin(), seen.end(), warning.code) != seen.end()) {
      continue;
    }
    seen.push_back(warning.code);
    ++m_warnings[warning.code];
  }
  if (const std::optional<std::string> host = target_host(report)) {
    ++m_targets[*host];
  }
}

std::uint64_t AuditSummary::count(DecisionKind kind) const {
  const std::map<DecisionKind, std::uint64_t>::const_iterator found = m_decisions.find(kind);
  return found == m_decisions.end() ? 0 : found->second;
}

void AuditSummary::write_text(std::ostream& out, std::string_view source) const {
  out << "audited " << format_count(m_users) << (m_users == 1 ? " user" : " users") << " from "
      << source << '\n';
  out << "passwords: not checked (each decision assumes the right password)\n";
  out << "decisions:\n";
  std::vector<std::pair<std::string, std::uint64_t>> decisions;
  for (const std::string& name : decision_names()) {
    decisions.emplace_back(name, count(*decision_kind_from_name(name)));
  }
  write_table(out, decisions, m_users);
  out << "warnings:" << (m_warnings.empty() ? " none\n" : "\n");
  write_table(out, by_count(m_warnings), m_users);
  out << "targets:" << (m_targets.empty() ? " none\n" : "\n");
  write_table(out, by_count(m_targets), m_users);
  if (tempfails() > 0) {
    out << "tempfail: " << format_count(tempfails()) << (tempfails() == 1 ? " user" : " users")
        << " (listed above): the audit is incomplete for them\n";
  }
}

void AuditSummary::write_json(std::ostream& out, std::string_view source) const {
  nlohmann::ordered_json decisions = nlohmann::ordered_json::object();
  for (const std::string& name : decision_names()) {
    const std::uint64_t n = count(*decision_kind_from_name(name));
    decisions[name] = {{"count", n}, {"share", share(n, m_users)}};
  }
  nlohmann::ordered_json warnings = nlohmann::ordered_json::object();
  for (const std::pair<const std::string, std::uint64_t>& entry : m_warnings) {
    warnings[entry.first] = {{"count", entry.second}, {"share", share(entry.second, m_users)}};
  }
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const std::pair<std::string, std::uint64_t>& entry : by_count(m_targets)) {
    const std::size_t space = entry.first.find(' ');
    targets.push_back({{"kind", entry.first.substr(0, space)},
                       {"host", entry.first.substr(space + 1)},
                       {"count", entry.second},
                       {"share", share(entry.second, m_users)}});
  }
  const nlohmann::ordered_json summary = {{"summary",
                                           {{"loginref", 1},
                                            {"source", source},
                                            {"users", m_users},
                                            {"passwords_checked", false},
                                            {"decisions", decisions},
                                            {"warnings", warnings},
                                            {"targets", targets},
                                            {"tempfails", tempfails()}}}};
  out << summary.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void write_audit_user_text(std::ostream& out, const Report& report) {
  const std::string_view decision = to_string(report.decision.kind);
  if (report.decision.kind == DecisionKind::tempfail) {
    out << decision << ' ' << report.request.user << ": " << report.error << '\n';
    return;
  }
  const std::string target = target_of(report);
  out << decision << ' ' << report.request.user << (target.empty() ? "" : " -> " + target) << ": "
      << report.response << '\n';
}

void write_audit_user_json(std::ostream& out, const Report& report) {
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  for (const Warning& warning : report.warnings) {
    if (!is_audit_silenced_warning(warning.code)) {
      warnings.push_back(warning.code);
    }
  }
  const nlohmann::ordered_json line = {{"login", report.request.user},
                                       {"user", report.user},
                                       {"decision", to_string(report.decision.kind)},
                                       {"response", report.response},
                                       {"target", target_json(report)},
                                       {"warnings", warnings},
                                       {"error", report.error.empty()
                                                     ? nlohmann::ordered_json(nullptr)
                                                     : nlohmann::ordered_json(report.error)}};
  out << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

} // namespace loginref
