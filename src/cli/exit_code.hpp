// loginref's exit codes. The one place they are defined; man/loginref.1
// (EXIT STATUS) documents the same table.
#pragma once

namespace loginref::cli {

enum class ExitCode {
  ok = 0,                 // a definite decision (or --expect met)
  expectation_failed = 1, // --expect DECISION given and not met
  usage = 2,              // bad command line (unknown option, bad -o, ...)
  config = 3,             // configuration or input error (file, syntax, database file, user)
  tempfail = 4,           // Dovecot would tempfail: the database or the query failed
};

} // namespace loginref::cli
