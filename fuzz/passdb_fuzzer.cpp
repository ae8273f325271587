// Fuzzes what a query's rows become: read_passdb_result,
// set_password_mismatch, finish_passdb_lookup, decide (with a fake resolver,
// no DNS) and the response line built from that decision.
//
// Input fields, one per line (see fuzz_input.hpp): the user (%u), the
// default_pass_scheme, the remote IP, flags (a number: 1 = a password was
// given, 2 = it mismatched, 4 = the lookup time is known), auth_proxy_self,
// the column names (tab-separated), then one line per row (tab-separated
// values, `\N` = NULL).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decision.hpp"
#include "core/passdb_result.hpp"
#include "core/response.hpp"
#include "fuzz_input.hpp"

namespace {

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', pos);
    parts.emplace_back(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos));
    if (tab == std::string_view::npos) {
      return parts;
    }
    pos = tab + 1;
  }
}

// Names starting with "fail" do not resolve; every other name has two
// addresses, one of them loopback (so proxy_maybe's self check has both
// outcomes). IP literals never get here (decide() parses them itself).
std::optional<std::vector<std::string>> fake_resolve(const std::string& host) {
  if (host.starts_with("fail")) {
    return std::nullopt;
  }
  return std::vector<std::string>{"127.0.0.1", "192.0.2." + std::to_string(host.size() % 256)};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loginref::fuzz::FieldReader in(data, size);
  loginref::PassdbInput input;
  input.user = in.next();
  input.default_pass_scheme = in.next();
  input.remote_ip = in.next();
  input.real_remote_ip = input.remote_ip;
  const unsigned long long flags = in.number();
  if ((flags & 4) != 0) {
    input.now = 1'700'000'000;
  }
  loginref::AuthSettings settings;
  settings.auth_proxy_self = in.next();

  loginref::driver::QueryResult rows;
  rows.columns = split_tabs(in.next());
  while (!in.rest().empty()) {
    loginref::driver::Row row;
    for (std::string& value : split_tabs(in.next())) {
      row.push_back(value == "\\N" ? std::nullopt : std::optional<std::string>(std::move(value)));
    }
    rows.rows.push_back(std::move(row));
  }

  loginref::PassdbResult result = loginref::read_passdb_result(rows, input);
  if ((flags & 2) != 0 && result.status == loginref::PassdbStatus::ok) {
    loginref::set_password_mismatch(result, "Password mismatch");
  }
  loginref::finish_passdb_lookup(result);

  loginref::LoginRequest request;
  request.user = input.user;
  request.remote_ip = input.remote_ip;
  request.local_ip = "127.0.0.1";
  if ((flags & 1) != 0) {
    request.password = "secret";
  }
  request.hostname = "mail.example.com";
  const loginref::DecisionInput decision_input{result, request, settings, (flags & 1) != 0};
  const loginref::Decision decision = loginref::decide(decision_input, fake_resolve);
  (void)loginref::response_line(
      decision,
      loginref::ResponseContext{.tag = "a1", .hostname = request.hostname, .now = 1'700'000'000});
  return 0;
}
