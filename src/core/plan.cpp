#include "core/plan.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "core/suggest.hpp"

namespace loginref {

namespace {

// The keys of each map of a plan (man/loginref.1, CHECK PLANS).
const std::vector<std::string> k_plan_keys = {"name", "config", "defaults", "cases"};
// What a case and `defaults` share: the login and its surroundings. The
// names are `loginref test`'s options without the dashes.
const std::vector<std::string> k_login_keys = {"password",  "tag",      "mech",        "service",
                                               "remote-ip", "local-ip", "remote-port", "local-port",
                                               "secured",   "hostname", "special-use", "settings"};
const std::vector<std::string> k_expect_keys = {"decision", "response", "fields", "warnings"};
const std::vector<std::string> k_password_keys = {"value", "file", "env"};

std::vector<std::string> case_keys() {
  std::vector<std::string> keys = {"name", "user", "expect"};
  keys.insert(keys.end(), k_login_keys.begin(), k_login_keys.end());
  return keys;
}

// Reads one plan file and turns its YAML nodes into a Plan. Every error
// names the file, line and column of the node it is about.
class PlanReader {
public:
  explicit PlanReader(std::string path)
      : m_path(std::move(path)), m_dir(std::filesystem::path(m_path).parent_path()) {}

  Plan read(const YAML::Node& root) const {
    if (!root.IsMap()) {
      fail(root, "a plan is a map with 'config' and 'cases'");
    }
    check_keys(root, k_plan_keys, "in the plan");
    Plan plan;
    plan.path = m_path;
    plan.name = root["name"] ? scalar(root["name"], "name") : default_name();
    plan.config_path = relative_to_plan(required_scalar(root, "config", "the plan"));

    PlanCase defaults;
    if (const YAML::Node node = root["defaults"]) {
      if (!node.IsMap()) {
        fail(node, "'defaults' must be a map of login keys (" + join(k_login_keys) + ")");
      }
      check_keys(node, k_login_keys, "in 'defaults'");
      read_login(node, defaults);
    }

    const YAML::Node cases = root["cases"];
    if (!cases) {
      fail(root, "the plan has no 'cases'");
    }
    if (!cases.IsSequence() || cases.size() == 0) {
      fail(cases, "'cases' must be a non-empty list of cases");
    }
    for (const YAML::Node& node : cases) {
      plan.cases.push_back(read_case(node, defaults));
    }
    return plan;
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    fail_at(node.Mark(), what);
  }

  [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& what) const {
    if (mark.is_null()) {
      throw ConfigError(m_path + ": " + what);
    }
    throw ConfigError(m_path + ":" + std::to_string(mark.line + 1) + ":" +
                      std::to_string(mark.column + 1) + ": " + what);
  }

private:
  std::string m_path;
  std::filesystem::path m_dir;

  static std::string join(const std::vector<std::string>& words) {
    std::string text;
    for (const std::string& word : words) {
      text += (text.empty() ? "" : ", ") + word;
    }
    return text;
  }

  std::string default_name() const {
    std::filesystem::path name = std::filesystem::path(m_path).filename();
    if (name.extension() == ".yaml" || name.extension() == ".yml") {
      name.replace_extension();
    }
    return name.string();
  }

  // Paths in a plan are relative to the plan, so a plan and the files it
  // names can move together (and run from any directory).
  std::string relative_to_plan(const std::string& path) const {
    if (path.empty() || std::filesystem::path(path).is_absolute() || m_dir.empty()) {
      return path;
    }
    return (m_dir / path).string();
  }

  // Every key of `map` must be a known, unrepeated string. (yaml-cpp keeps
  // a repeated key and answers the first one: a silently ignored line.)
  void check_keys(const YAML::Node& map, const std::vector<std::string>& known,
                  const std::string& where) const {
    std::set<std::string> seen;
    for (YAML::const_iterator it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        fail(it->first, "a key " + where + " must be a string");
      }
      const std::string key = it->first.Scalar();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(it->first, "unknown key '" + key + "' " + where + did_you_mean(key, known));
      }
      if (!seen.insert(key).second) {
        fail(it->first, "duplicate key '" + key + "' " + where);
      }
      // Pointed at the key: the empty value's own mark is the next token,
      // often on the next line. `password: ~` means "no password".
      if (it->second.IsNull() && key != "password") {
        fail(it->first, "'" + key + "' needs a value");
      }
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (node.IsNull()) {
      fail(node, "'" + key + "' needs a value");
    }
    if (!node.IsScalar()) {
      fail(node, "'" + key + "' must be a single value, not a list or map");
    }
    return node.Scalar();
  }

  std::string required_scalar(const YAML::Node& map, const std::string& key,
                              const std::string& what) const {
    const YAML::Node node = map[key];
    if (!node) {
      fail(map, what + " has no '" + key + "'");
    }
    return scalar(node, key);
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    const std::string value = scalar(node, key);
    if (value == "true" || value == "yes") {
      return true;
    }
    if (value == "false" || value == "no") {
      return false;
    }
    fail(node, "'" + key + "' must be true or false, not '" + value + "'");
  }

  unsigned port(const YAML::Node& node, const std::string& key, unsigned lowest) const {
    const std::string value = scalar(node, key);
    const bool digits = !value.empty() && value.size() <= 5 &&
                        std::all_of(value.begin(), value.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; });
    const unsigned number = digits ? static_cast<unsigned>(std::stoul(value)) : 0;
    if (!digits || number < lowest || number > 65535) {
      fail(node, "'" + key + "' must be a port number from " + std::to_string(lowest) +
                     " to 65535, not '" + value + "'");
    }
    return number;
  }

  // A password file loses one trailing newline, as --password-file does.
  std::string read_password_file(const YAML::Node& node) const {
    const std::string path = relative_to_plan(scalar(node, "file"));
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      fail(node, "password file " + path + ": cannot read: " + std::strerror(errno));
    }
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (!text.empty() && text.back() == '\n') {
      text.pop_back();
    }
    return text;
  }

  // {value: ...}, {file: ...} or {env: ...}; null means no password (the
  // check is skipped, as without --password-stdin).
  std::optional<std::string> password(const YAML::Node& node) const {
    if (node.IsNull()) {
      return std::nullopt;
    }
    const std::string shape =
        "'password' must be {value: ...}, {file: ...} or {env: ...} (or ~ for none)";
    if (!node.IsMap() || node.size() != 1) {
      fail(node, shape);
    }
    check_keys(node, k_password_keys, "in 'password'");
    const YAML::const_iterator only = node.begin();
    const std::string source = only->first.Scalar();
    if (source == "value") {
      return scalar(only->second, "value");
    }
    if (source == "file") {
      return read_password_file(only->second);
    }
    const std::string name = scalar(only->second, "env");
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      fail(only->second, "environment variable " + name + " is not set");
    }
    return std::string(value);
  }

  // -o's names and meanings; checked here so a misspelt name points at its
  // line (apply_setting would only name the setting).
  void read_settings(const YAML::Node& node, AuthSettings& settings) const {
    if (!node.IsMap()) {
      fail(node, "'settings' must be a map of dovecot.conf settings (name: value)");
    }
    const std::vector<std::string> names = auth_setting_names();
    std::set<std::string> seen;
    for (YAML::const_iterator it = node.begin(); it != node.end(); ++it) {
      const std::string name = scalar(it->first, "settings");
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        fail(it->first, "unknown setting '" + name + "'" + did_you_mean(name, names));
      }
      if (!seen.insert(name).second) {
        fail(it->first, "duplicate setting '" + name + "'");
      }
      // An empty value is a real setting (auth_username_chars: "" allows
      // every character), so null is read as "".
      const std::string value = it->second.IsNull() ? "" : scalar(it->second, name);
      apply_setting(settings, name + "=" + value); // cannot throw: the name is known
    }
  }

  // The keys a case shares with `defaults`, applied on top of `into`.
  void read_login(const YAML::Node& map, PlanCase& into) const {
    LoginRequest& request = into.request;
    for (YAML::const_iterator it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node value = it->second;
      if (key == "password") {
        request.password = password(value);
      } else if (key == "tag") {
        request.tag = scalar(value, key);
      } else if (key == "mech") {
        // sasl_server_auth_begin upper-cases the mechanism.
        request.mech = scalar(value, key);
        std::transform(request.mech.begin(), request.mech.end(), request.mech.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      } else if (key == "service") {
        request.service = scalar(value, key);
      } else if (key == "remote-ip") {
        request.remote_ip = scalar(value, key);
      } else if (key == "local-ip") {
        request.local_ip = scalar(value, key);
      } else if (key == "remote-port") {
        request.remote_port = port(value, key, 0);
      } else if (key == "local-port") {
        request.local_port = port(value, key, 1);
      } else if (key == "secured") {
        request.secured = boolean(value, key);
      } else if (key == "hostname") {
        request.hostname = scalar(value, key);
      } else if (key == "special-use") {
        into.settings.special_use_mailboxes = boolean(value, key);
      } else if (key == "settings") {
        read_settings(value, into.settings);
      }
    }
  }

  DecisionKind decision(const YAML::Node& node) const {
    const std::string name = scalar(node, "decision");
    const std::optional<DecisionKind> kind = decision_kind_from_name(name);
    if (!kind) {
      const std::vector<std::string> names = decision_names();
      const std::string hint = did_you_mean(name, names);
      fail(node, "unknown decision '" + name + "'" +
                     (hint.empty() ? " (one of " + join(names) + ")" : hint));
    }
    return *kind;
  }

  std::vector<ExpectedField> expected_fields(const YAML::Node& node) const {
    if (!node.IsMap()) {
      fail(node, "'fields' must be a map of field names to values (~ for not set)");
    }
    std::vector<ExpectedField> fields;
    std::set<std::string> seen;
    for (YAML::const_iterator it = node.begin(); it != node.end(); ++it) {
      const std::string name = scalar(it->first, "fields");
      if (!seen.insert(name).second) {
        fail(it->first, "duplicate field '" + name + "'");
      }
      // ~ (null) is "not set"; "" is a field set to the empty string.
      std::optional<std::string> value;
      if (!it->second.IsNull()) {
        value = scalar(it->second, name);
      }
      fields.push_back({name, value});
    }
    return fields;
  }

  std::vector<std::string> expected_warnings(const YAML::Node& node) const {
    if (!node.IsSequence()) {
      fail(node, "'warnings' must be a list of warning codes ([] for none)");
    }
    std::vector<std::string> codes;
    for (const YAML::Node& code : node) {
      codes.push_back(scalar(code, "warnings"));
    }
    return codes;
  }

  Expectation expectation(const YAML::Node& node) const {
    if (!node.IsMap()) {
      fail(node, "'expect' must be a map with at least 'decision'");
    }
    check_keys(node, k_expect_keys, "in 'expect'");
    Expectation expect;
    const YAML::Node decision_node = node["decision"];
    if (!decision_node) {
      fail(node, "'expect' has no 'decision'");
    }
    expect.decision = decision(decision_node);
    if (const YAML::Node response = node["response"]) {
      expect.response = scalar(response, "response");
    }
    if (const YAML::Node fields = node["fields"]) {
      expect.fields = expected_fields(fields);
    }
    if (const YAML::Node warnings = node["warnings"]) {
      expect.warnings = expected_warnings(warnings);
    }
    return expect;
  }

  PlanCase read_case(const YAML::Node& node, const PlanCase& defaults) const {
    if (!node.IsMap()) {
      fail(node, "a case must be a map with 'user' and 'expect'");
    }
    check_keys(node, case_keys(), "in a case");
    PlanCase plan_case = defaults;
    plan_case.line = node.Mark().line + 1;
    const YAML::Node user = node["user"];
    if (!user) {
      fail(node, "the case has no 'user'");
    }
    plan_case.request.user = scalar(user, "user");
    if (plan_case.request.user.empty()) {
      fail(user, "'user' is empty (Dovecot refuses an empty name before any query)");
    }
    plan_case.name = node["name"] ? scalar(node["name"], "name") : plan_case.request.user;
    read_login(node, plan_case);
    const YAML::Node expect = node["expect"];
    if (!expect) {
      fail(node, "the case has no 'expect'");
    }
    plan_case.expect = expectation(expect);
    return plan_case;
  }
};

} // namespace

Plan load_plan(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file || std::filesystem::is_directory(path)) {
    throw ConfigError(
        path + ": cannot read: " +
        (std::filesystem::is_directory(path) ? "Is a directory" : std::strerror(errno)));
  }
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const PlanReader reader(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's syntax errors become ours, with the plan's name in front.
    reader.fail_at(e.mark, e.msg);
  }
  if (root.IsNull()) {
    throw ConfigError(path + ": the plan is empty (it needs 'config' and 'cases')");
  }
  return reader.read(root);
}

} // namespace loginref
