#include <string>

#include "core/output.hpp"

namespace loginref {

std::string printable(std::string_view text) {
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out;
}

namespace {

void line(std::ostream& out, std::string_view label, std::string_view value) {
  out << label << std::string(10 - std::min<std::size_t>(label.size(), 9), ' ') << value << '\n';
}

std::string field_list(const std::vector<PassdbField>& fields, bool show_secrets) {
  std::string text;
  for (const PassdbField& field : fields) {
    if (field.hidden) {
      continue;
    }
    text += (text.empty() ? "" : " ") + field.name;
    text +=
        "=" + printable(is_secret_field(field.name) && !show_secrets ? "<redacted>" : field.value);
  }
  return text.empty() ? "(none)" : text;
}

std::string password_text(const PasswordCheckResult& check) {
  std::string text(to_string(check.status));
  if (check.status == PasswordCheck::skipped) {
    text = "skipped (no password given; the decision assumes it is right)";
  } else if (check.status == PasswordCheck::nopassword) {
    text = "not checked (nopassword: any password is accepted)";
  }
  if (!check.scheme.empty()) {
    text += " {" + check.scheme + "}";
  }
  if (!check.message.empty() && check.status == PasswordCheck::mismatch) {
    text += ": " + check.message;
  }
  return text;
}

} // namespace

void write_text_report(std::ostream& out, const Report& report) {
  const Decision& decision = report.decision;
  line(out, "decision:", to_string(decision.kind));
  line(out, "response:", printable(report.response));
  std::string user = printable(report.user); // a refused name is shown as typed
  if (report.request.user != report.user) {
    user += " (typed: " + printable(report.request.user) + ")";
  }
  line(out, "user:", user);
  line(out, "why:", printable(decision.rule));
  line(out, "password:", password_text(report.password_check));
  if (!report.query.empty()) {
    line(out, "query:", printable(report.show_secrets ? report.query_as_run : report.query));
  }
  line(out, "database:",
       report.driver + (report.connection.empty() ? "" : ": " + printable(report.connection)));
  line(out, "fields:", field_list(report.passdb.fields, report.show_secrets));
  if (field_list(report.passdb.rolled_back, false) != "(none)") {
    line(out, "discarded:", field_list(report.passdb.rolled_back, report.show_secrets));
  }
  if (report.show_secrets && report.passdb.password) {
    line(out, "stored:", printable(*report.passdb.password)); // --show-secrets only
  }
  if (decision.referral) {
    const Referral& referral = *decision.referral;
    line(out, "referral:",
         "host=" + printable(referral.host) + " port=" + std::to_string(referral.port) +
             " userid=" + printable(referral.userid) + " mech=" + referral.mech);
  }
  if (decision.proxy) {
    const ProxyTarget& proxy = *decision.proxy;
    std::string text = "host=" + printable(proxy.host);
    if (!proxy.hostip.empty() && proxy.hostip != proxy.host) {
      text += " hostip=" + proxy.hostip;
    }
    text += " port=" + std::to_string(proxy.port) + " destuser=" + printable(proxy.destuser);
    text += proxy.starttls ? " starttls" : (proxy.ssl ? " ssl" : "");
    line(out, "proxy:", text);
  }
  if (!report.error.empty()) {
    line(out, "error:", printable(report.error));
  }
  for (const Warning& warning : report.warnings) {
    line(out, "warning:", warning.code + ": " + printable(warning.message));
  }
}

void write_text_lint(std::ostream& out, std::string_view config_path,
                     const std::vector<Warning>& warnings) {
  line(out, "config:", printable(config_path));
  for (const Warning& warning : warnings) {
    line(out, "warning:", warning.code + ": " + printable(warning.message));
  }
  if (warnings.empty()) {
    line(out, "lint:", "no warnings");
  }
}

} // namespace loginref
