// The subcommands (ninja's tool table): each row names a subcommand, its
// one-line description, and how it adds its options. Bodies live in
// commands.cpp; main.cpp only runs the table and maps errors to exit codes.
#pragma once

#include <functional>

#include "cli/exit_code.hpp"

namespace CLI {
class App;
}

namespace loginref::cli {

// What main needs to know even when the run fails.
struct Invocation {
  bool json = false; // --json was given: errors are also written as JSON
};

// One subcommand: adds its options to `command` and returns what runs it
// once argv is parsed. Each lives in its own <name>_command.cpp.
using CommandRunner = std::function<ExitCode()>;
CommandRunner add_test_command(CLI::App& command, Invocation& invocation);
CommandRunner add_audit_command(CLI::App& command, Invocation& invocation);
CommandRunner add_diff_command(CLI::App& command, Invocation& invocation);
CommandRunner add_lint_command(CLI::App& command, Invocation& invocation);
CommandRunner add_check_command(CLI::App& command, Invocation& invocation);

// Parses argv, runs the chosen subcommand and returns its exit code.
// Throws loginref::Error subclasses (UsageError for CLI11 parse errors).
ExitCode run(int argc, char** argv, Invocation& invocation);

} // namespace loginref::cli
