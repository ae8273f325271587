#include <nlohmann/json.hpp>

#include "core/output.hpp"

namespace loginref {

void write_text_report(std::ostream& out, const Report& report);
void write_text_lint(std::ostream& out, std::string_view config_path,
                     const std::vector<Warning>& warnings);

namespace {

using Json = nlohmann::ordered_json;

// Strings from a database need not be UTF-8; the JSON must stay valid, so
// invalid bytes become U+FFFD (nlohmann's error_handler_t::replace).
std::string dump(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

Json fields_json(const std::vector<PassdbField>& fields, bool show_secrets = false) {
  Json object = Json::object();
  for (const PassdbField& field : fields) {
    if (!field.hidden) {
      object[field.name] =
          is_secret_field(field.name) && !show_secrets ? "<redacted>" : field.value;
    }
  }
  return object;
}

Json warnings_json(const std::vector<Warning>& warnings) {
  Json list = Json::array();
  for (const Warning& warning : warnings) {
    list.push_back(Json{{"code", warning.code}, {"message", warning.message}});
  }
  return list;
}

Json referral_json(const Decision& decision) {
  if (!decision.referral) {
    return nullptr;
  }
  const Referral& referral = *decision.referral;
  return Json{{"host", referral.host},
              {"port", referral.port},
              {"userid", referral.userid},
              {"mech", referral.mech},
              {"sent", decision.kind == DecisionKind::referral_require}};
}

Json proxy_json(const Decision& decision) {
  if (!decision.proxy) {
    return nullptr;
  }
  const ProxyTarget& proxy = *decision.proxy;
  return Json{{"host", proxy.host},         {"hostip", proxy.hostip}, {"port", proxy.port},
              {"destuser", proxy.destuser}, {"ssl", proxy.ssl},       {"starttls", proxy.starttls}};
}

} // namespace

bool is_secret_field(std::string_view name) {
  return name == "pass" || name == "password" || name == "password_noscheme";
}

void write_report(std::ostream& out, const Report& report, OutputFormat format) {
  if (format == OutputFormat::text) {
    write_text_report(out, report);
    return;
  }
  const Decision& decision = report.decision;
  Json json;
  json["loginref"] = 1;
  json["decision"] = std::string(to_string(decision.kind));
  json["response"] = report.response;
  json["user"] = report.user;
  json["original_user"] = report.request.user;
  json["rule"] = decision.rule;
  json["password_check"] = Json{{"status", std::string(to_string(report.password_check.status))},
                                {"scheme", report.password_check.scheme},
                                {"message", report.password_check.message}};
  json["passdb"] = Json{{"status", std::string(to_string(report.passdb.status))},
                        {"failure", report.passdb.failure},
                        {"log", report.passdb.log}};
  json["query"] = report.show_secrets ? report.query_as_run : report.query;
  if (report.show_secrets) {
    json["stored_password"] =
        report.passdb.password ? Json(*report.passdb.password) : Json(nullptr);
  }
  json["database"] = Json{{"driver", report.driver}, {"connection", report.connection}};
  json["fields"] = fields_json(report.passdb.fields, report.show_secrets);
  json["discarded_fields"] = fields_json(report.passdb.rolled_back, report.show_secrets);
  json["reply_fields"] = fields_json(decision.reply_fields, report.show_secrets);
  json["referral"] = referral_json(decision);
  json["proxy"] = proxy_json(decision);
  json["warnings"] = warnings_json(report.warnings);
  json["error"] = report.error.empty() ? Json(nullptr) : Json(report.error);
  out << dump(json) << '\n';
}

void write_lint_report(std::ostream& out, std::string_view config_path,
                       const std::vector<Warning>& warnings, OutputFormat format) {
  if (format == OutputFormat::text) {
    write_text_lint(out, config_path, warnings);
    return;
  }
  Json json;
  json["loginref"] = 1;
  json["config"] = std::string(config_path);
  json["warnings"] = warnings_json(warnings);
  out << dump(json) << '\n';
}

void write_error_json(std::ostream& out, std::string_view message, int exit_code) {
  Json json;
  json["loginref"] = 1;
  json["error"] = Json{{"message", std::string(message)}, {"exit_code", exit_code}};
  out << dump(json) << '\n';
}

} // namespace loginref
