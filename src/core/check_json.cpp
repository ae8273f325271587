// `loginref check --json`: one object, version 1, keys in man/loginref.1.
#include <nlohmann/json.hpp>

#include "core/check.hpp"

namespace loginref {

void write_check_json(std::ostream& out, const CheckRun& run);

namespace {

using Json = nlohmann::ordered_json;

Json optional_json(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json expected_json(const Expectation& expect) {
  Json fields = Json::object();
  for (const ExpectedField& field : expect.fields) {
    fields[field.name] = is_secret_field(field.name) && field.value ? Json("<redacted>")
                                                                    : optional_json(field.value);
  }
  return Json{{"decision", std::string(to_string(expect.decision))},
              {"response", optional_json(expect.response)},
              {"fields", fields},
              {"warnings", expect.warnings ? Json(*expect.warnings) : Json(nullptr)}};
}

Json case_json(const CaseResult& result) {
  Json differences = Json::array();
  for (const Difference& difference : result.differences) {
    differences.push_back(Json{{"what", difference.what},
                               {"expected", optional_json(difference.expected)},
                               {"actual", optional_json(difference.actual)},
                               {"message", describe(difference)}});
  }
  Json warnings = Json::array();
  for (const Warning& warning : result.report.warnings) {
    warnings.push_back(warning.code);
  }
  const Report& report = result.report;
  Json json;
  json["name"] = result.name;
  json["line"] = result.line;
  json["user"] = report.request.user;
  json["passed"] = result.passed();
  json["decision"] = std::string(to_string(report.decision.kind));
  json["response"] = report.response;
  json["expected"] = expected_json(result.expect);
  json["differences"] = differences;
  json["warning_codes"] = warnings;
  json["error"] = report.error.empty() ? Json(nullptr) : Json(report.error);
  return json;
}

} // namespace

void write_check_json(std::ostream& out, const CheckRun& run) {
  Json cases = Json::array();
  for (const CaseResult& result : run.cases) {
    cases.push_back(case_json(result));
  }
  Json json;
  json["loginref"] = 1;
  json["plan"] = Json{{"path", run.plan_path}, {"name", run.plan_name}};
  json["database"] = Json{{"driver", run.driver}, {"connection", run.connection}};
  json["summary"] =
      Json{{"cases", run.cases.size()}, {"passed", run.passed()}, {"failed", run.failed()}};
  json["cases"] = cases;
  // Database strings need not be UTF-8; invalid bytes become U+FFFD.
  out << json.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

} // namespace loginref
