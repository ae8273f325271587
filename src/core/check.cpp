#include "core/check.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <sstream>

#include "core/junit.hpp"
#include "core/output.hpp"

namespace loginref {

// In check_json.cpp, the one other place nlohmann_json is used.
void write_check_json(std::ostream& out, const CheckRun& run);

namespace {

std::string shown(const std::optional<std::string>& value, bool quote) {
  if (!value) {
    return "(not set)";
  }
  return quote ? "\"" + printable(*value) + "\"" : printable(*value);
}

// "[host:" + the time at the end of a tempfail line, split after the
// colon, or nullopt when `line` does not end in such a suffix. The time is
// "YYYY-MM-DD HH:MM:SS" (response.cpp: tempfail_suffix) or "TIMESTAMP".
std::optional<std::string_view> before_tempfail_time(std::string_view line) {
  constexpr std::string_view k_placeholder = "TIMESTAMP";
  constexpr std::string_view k_shape = "dddd-dd-dd dd:dd:dd";
  if (line.empty() || line.back() != ']') {
    return std::nullopt;
  }
  const std::string_view head = line.substr(0, line.size() - 1);
  if (head.ends_with(k_placeholder)) {
    const std::string_view rest = head.substr(0, head.size() - k_placeholder.size());
    return rest.ends_with(':') ? std::optional<std::string_view>(rest) : std::nullopt;
  }
  if (head.size() < k_shape.size() + 1) {
    return std::nullopt;
  }
  const std::string_view time = head.substr(head.size() - k_shape.size());
  for (std::size_t i = 0; i < k_shape.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(time[i])) != 0;
    if (k_shape[i] == 'd' ? !digit : time[i] != k_shape[i]) {
      return std::nullopt;
    }
  }
  const std::string_view rest = head.substr(0, head.size() - k_shape.size());
  return rest.ends_with(':') ? std::optional<std::string_view>(rest) : std::nullopt;
}

std::set<std::string> code_set(const std::vector<std::string>& codes) {
  return std::set<std::string>(codes.begin(), codes.end());
}

std::string code_list(const std::set<std::string>& codes) {
  std::string text;
  for (const std::string& code : codes) {
    text += (text.empty() ? "" : ", ") + code;
  }
  return "[" + text + "]";
}

std::optional<std::string> redacted(std::string_view name,
                                    const std::optional<std::string>& value) {
  if (value && is_secret_field(name)) {
    return std::string("<redacted>");
  }
  return value;
}

JunitCase junit_case(const CheckRun& run, const CaseResult& result) {
  JunitCase test;
  test.name = result.name;
  test.classname = run.plan_name;
  test.file = run.plan_path;
  test.line = result.line;
  test.seconds = result.seconds;
  if (result.passed()) {
    return test;
  }
  // The message is the one line CI lists; the text adds the report, so the
  // reason can be read without running loginref again.
  std::ostringstream details;
  details << run.plan_path << ":" << result.line << ": " << result.name << "\n";
  for (const Difference& difference : result.differences) {
    details << describe(difference) << "\n";
  }
  details << "\n";
  write_report(details, result.report, OutputFormat::text);
  test.failure =
      JunitFailure{failure_summary(result), result.unexpected_tempfail() ? "tempfail" : "mismatch",
                   details.str()};
  return test;
}

void write_check_text(std::ostream& out, const CheckRun& run) {
  for (const CaseResult& result : run.cases) {
    if (result.passed()) {
      out << "PASS  " << printable(result.name) << " (" << to_string(result.report.decision.kind)
          << ")\n";
    } else {
      out << "FAIL  " << printable(result.name) << " (line " << result.line
          << "): " << failure_summary(result) << "\n";
    }
  }
  out << run.passed() << " passed, " << run.failed() << " failed of " << run.cases.size()
      << (run.cases.size() == 1 ? " case" : " cases") << " (" << run.plan_path << ", " << run.driver
      << ")\n";
}

} // namespace

std::string describe(const Difference& difference) {
  const bool quote = difference.what != "decision" && difference.what != "warnings";
  return difference.what + ": expected " + shown(difference.expected, quote) + ", got " +
         shown(difference.actual, quote);
}

bool CaseResult::unexpected_tempfail() const {
  return report.decision.kind == DecisionKind::tempfail &&
         expect.decision != DecisionKind::tempfail;
}

std::string failure_summary(const CaseResult& result) {
  std::string text;
  for (const Difference& difference : result.differences) {
    text += (text.empty() ? "" : "; ") + describe(difference);
  }
  if (result.unexpected_tempfail() && !result.report.error.empty()) {
    text += "; error: " + printable(result.report.error);
  }
  return text;
}

int CheckRun::passed() const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(),
                                        [](const CaseResult& result) { return result.passed(); }));
}

int CheckRun::failed() const { return static_cast<int>(cases.size()) - passed(); }

bool response_matches(std::string_view expected, std::string_view actual) {
  if (expected == actual) {
    return true;
  }
  const std::optional<std::string_view> expected_head = before_tempfail_time(expected);
  const std::optional<std::string_view> actual_head = before_tempfail_time(actual);
  return expected_head && actual_head && *expected_head == *actual_head;
}

std::vector<Difference> compare(const Expectation& expect, const Report& report) {
  std::vector<Difference> differences;
  const DecisionKind decision = report.decision.kind;
  if (expect.decision != decision) {
    differences.push_back(
        {"decision", std::string(to_string(expect.decision)), std::string(to_string(decision))});
  }
  if (expect.response && !response_matches(*expect.response, report.response)) {
    differences.push_back({"response", *expect.response, report.response});
  }
  for (const ExpectedField& field : expect.fields) {
    const std::string* value = report.passdb.find(field.name);
    const std::optional<std::string> actual =
        value ? std::optional<std::string>(*value) : std::nullopt;
    if (field.value != actual) {
      differences.push_back(
          {"field " + field.name, redacted(field.name, field.value), redacted(field.name, actual)});
    }
  }
  if (expect.warnings) {
    std::vector<std::string> codes;
    for (const Warning& warning : report.warnings) {
      codes.push_back(warning.code);
    }
    const std::set<std::string> wanted = code_set(*expect.warnings);
    const std::set<std::string> got = code_set(codes);
    if (wanted != got) {
      differences.push_back({"warnings", code_list(wanted), code_list(got)});
    }
  }
  return differences;
}

CheckRun run_plan(driver::Driver& db, const SqlConfig& config, const Plan& plan,
                  const std::string& default_hostname, std::time_t now) {
  CheckRun run;
  run.plan_path = plan.path;
  run.plan_name = plan.name;
  run.driver = std::string(driver::to_string(db.kind()));
  for (const PlanCase& plan_case : plan.cases) {
    LoginRequest request = plan_case.request;
    if (request.hostname.empty()) {
      request.hostname = default_hostname;
    }
    CaseResult result;
    result.name = plan_case.name;
    result.line = plan_case.line;
    result.expect = plan_case.expect;
    const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    result.report = lookup_login(db, config, plan_case.settings, request, now);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.differences = compare(result.expect, result.report);
    run.cases.push_back(std::move(result));
  }
  run.connection = db.connection_info();
  return run;
}

void write_check_results(std::ostream& out, const CheckRun& run, OutputFormat format) {
  if (format == OutputFormat::json) {
    write_check_json(out, run);
  } else {
    write_check_text(out, run);
  }
}

void write_check_junit(std::ostream& out, const CheckRun& run) {
  JunitSuite suite;
  suite.name = "loginref check " + run.plan_name;
  for (const CaseResult& result : run.cases) {
    suite.cases.push_back(junit_case(run, result));
  }
  write_junit(out, suite);
}

} // namespace loginref
