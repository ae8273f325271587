// Running a plan (plan.hpp): every case goes through lookup_login over one
// database connection, and its report is compared with what the case
// expects. The results are written as one line per case and a summary, as
// JSON (version 1, keys in man/loginref.1), or as JUnit XML for GitLab and
// Jenkins (junit.hpp).
#pragma once

#include <ctime>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/driver/driver.hpp"
#include "core/lookup.hpp"
#include "core/output.hpp"
#include "core/plan.hpp"

namespace loginref {

// One way a report differs from its case's expectation.
struct Difference {
  std::string what; // "decision", "response", "field host", "warnings"
  // The values as shown to people; nullopt is "(not set)" (a field). Secret
  // fields (is_secret_field) are shown as <redacted>.
  std::optional<std::string> expected;
  std::optional<std::string> actual;
};

// "decision: expected referral-require, got referral-suggest" (values other
// than decisions are quoted, control characters escaped).
std::string describe(const Difference& difference);

struct CaseResult {
  std::string name;
  int line = 0; // of the case in the plan
  Expectation expect;
  Report report;
  std::vector<Difference> differences; // empty: the case passed
  double seconds = 0;                  // how long the lookup took

  bool passed() const { return differences.empty(); }
  // A tempfail the case did not expect: Dovecot could not decide, which
  // says more about the database than about the policy (exit status 4).
  bool unexpected_tempfail() const;
};

// The differences, "; "-separated, plus the tempfail's error when there is
// one: the text a failing case shows on its line and in JUnit.
std::string failure_summary(const CaseResult& result);

struct CheckRun {
  std::string plan_path;
  std::string plan_name;
  std::string driver;     // sqlite, pgsql or mysql
  std::string connection; // the driver's connection_info() after the run
  std::vector<CaseResult> cases;

  int passed() const;
  int failed() const;
};

// Compares one report with what its case expects. Never throws.
std::vector<Difference> compare(const Expectation& expect, const Report& report);

// Whether `actual` is the line `expected` names: equal, except that the
// time of a tempfail suffix "[host:YYYY-MM-DD HH:MM:SS]" at the end matches
// any time, and may be written as "[host:TIMESTAMP]".
bool response_matches(std::string_view expected, std::string_view actual);

// Runs every case of `plan` on `db`, in plan order, at time `now`. Cases
// without a hostname get `default_hostname` (this machine's name). A
// database error inside a case is that case's tempfail (lookup_login); the
// run goes on. Never throws DriverError.
CheckRun run_plan(driver::Driver& db, const SqlConfig& config, const Plan& plan,
                  const std::string& default_hostname, std::time_t now);

// The results as text (one line per case, then a summary) or as one JSON
// object.
void write_check_results(std::ostream& out, const CheckRun& run, OutputFormat format);

// The results as a JUnit XML report: one <testcase> per case, a <failure>
// with the differences for each failed one.
void write_check_junit(std::ostream& out, const CheckRun& run);

} // namespace loginref
