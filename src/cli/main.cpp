// loginref: what does Dovecot 2.3 answer to this IMAP login?
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/output.hpp"

namespace {

// The one place failures that end a run become exit codes.
loginref::cli::ExitCode exit_code_for(const loginref::Error& error) {
  using loginref::cli::ExitCode;
  if (dynamic_cast<const loginref::UsageError*>(&error)) {
    return ExitCode::usage;
  }
  if (dynamic_cast<const loginref::DriverError*>(&error)) {
    return ExitCode::tempfail;
  }
  return ExitCode::config;
}

} // namespace

int main(int argc, char** argv) {
  loginref::cli::Invocation invocation;
  try {
    return static_cast<int>(loginref::cli::run(argc, argv, invocation));
  } catch (const loginref::Error& error) {
    const int code = static_cast<int>(exit_code_for(error));
    std::cerr << "loginref: error: " << error.what() << '\n';
    if (invocation.json) {
      loginref::write_error_json(std::cout, error.what(), code);
    }
    return code;
  }
}
