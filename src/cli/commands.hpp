// The subcommands (ninja's tool table): each row names a subcommand, its
// one-line description, and how it adds its options. Bodies live in
// commands.cpp; main.cpp only runs the table and maps errors to exit codes.
#pragma once

#include "cli/exit_code.hpp"

namespace loginref::cli {

// What main needs to know even when the run fails.
struct Invocation {
  bool json = false; // --json was given: errors are also written as JSON
};

// Parses argv, runs the chosen subcommand and returns its exit code.
// Throws loginref::Error subclasses (UsageError for CLI11 parse errors).
ExitCode run(int argc, char** argv, Invocation& invocation);

} // namespace loginref::cli
