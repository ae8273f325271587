#include "core/diff.hpp"

#include <nlohmann/json.hpp>

#include "core/audit.hpp"

namespace loginref {

namespace {

std::string transition_name(DecisionKind from, DecisionKind to) {
  // Appended piece by piece: GCC 12 -O3 warns (-Wrestrict, a false
  // positive) on operator+ chains of short strings here.
  std::string name(to_string(from));
  name.append(" -> ");
  name.append(to_string(to));
  return name;
}

std::vector<std::string> changed_parts(const UserChange& change) {
  std::vector<std::string> parts;
  if (change.old_decision != change.new_decision) {
    parts.emplace_back("decision");
  }
  if (change.old_response != change.new_response) {
    parts.emplace_back("response");
  }
  if (change.old_target != change.new_target) {
    parts.emplace_back("target");
  }
  return parts;
}

nlohmann::ordered_json side_json(DecisionKind decision, const std::string& response,
                                 const std::string& target, const std::string& error) {
  return {
      {"decision", to_string(decision)},
      {"response", response},
      {"target", target.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(target)},
      {"error", error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(error)}};
}

} // namespace

std::optional<UserChange> compare_reports(const Report& old_report, const Report& new_report) {
  UserChange change{old_report.request.user, old_report.decision.kind, new_report.decision.kind,
                    old_report.response,     new_report.response,      target_of(old_report),
                    target_of(new_report),   old_report.error,         new_report.error};
  if (changed_parts(change).empty()) {
    return std::nullopt;
  }
  return change;
}

void DiffSummary::add(UserChange change) {
  ++m_users;
  ++m_changed;
  const Transition transition{change.old_decision, change.new_decision};
  ++m_counts[transition];
  if (m_keep_users) {
    m_changes[transition].push_back(std::move(change));
  }
}

void DiffSummary::write_text(std::ostream& out) const {
  for (const std::pair<const Transition, std::uint64_t>& entry : m_counts) {
    out << transition_name(entry.first.first, entry.first.second) << ": "
        << format_count(entry.second) << (entry.second == 1 ? " user" : " users") << '\n';
    const std::map<Transition, std::vector<UserChange>>::const_iterator users =
        m_changes.find(entry.first);
    if (users == m_changes.end()) {
      continue;
    }
    for (const UserChange& change : users->second) {
      out << "  " << change.login << '\n';
      if (change.old_response != change.new_response) {
        out << "    response: " << change.old_response << '\n'
            << "           -> " << change.new_response << '\n';
      }
      if (change.old_target != change.new_target) {
        out << "    target:   " << (change.old_target.empty() ? "(none)" : change.old_target)
            << " -> " << (change.new_target.empty() ? "(none)" : change.new_target) << '\n';
      }
      if (change.new_decision == DecisionKind::tempfail && !change.new_error.empty()) {
        out << "    error:    " << change.new_error << '\n';
      }
    }
  }
  out << "changed: " << format_count(m_changed) << " of " << format_count(m_users)
      << (m_users == 1 ? " user" : " users") << '\n';
}

void DiffSummary::write_json(std::ostream& out) const {
  nlohmann::ordered_json transitions = nlohmann::ordered_json::array();
  for (const std::pair<const Transition, std::uint64_t>& entry : m_counts) {
    transitions.push_back({{"from", to_string(entry.first.first)},
                           {"to", to_string(entry.first.second)},
                           {"users", entry.second}});
  }
  const nlohmann::ordered_json summary = {{"summary",
                                           {{"loginref", 1},
                                            {"users", m_users},
                                            {"changed", m_changed},
                                            {"unchanged", m_users - m_changed},
                                            {"transitions", transitions}}}};
  out << summary.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void write_change_json(std::ostream& out, const UserChange& change) {
  const nlohmann::ordered_json line = {{"login", change.login},
                                       {"changes", changed_parts(change)},
                                       {"old", side_json(change.old_decision, change.old_response,
                                                         change.old_target, change.old_error)},
                                       {"new", side_json(change.new_decision, change.new_response,
                                                         change.new_target, change.new_error)}};
  out << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

} // namespace loginref
