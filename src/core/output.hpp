// Reports as text (for people) or JSON (for CI pipelines; version 1, keys
// listed in man/loginref.1). The format is chosen here and nowhere else.
// Secrets never appear: the login password is not stored in a Report, the
// expanded query shows %w as ********, and `pass` fields are redacted.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "core/lookup.hpp"

namespace loginref {

enum class OutputFormat { text, json };

// Writes `report` to `out`.
void write_report(std::ostream& out, const Report& report, OutputFormat format);

// With --json, a failure that ends the run still writes one JSON object:
// {"loginref": 1, "error": {"message": ..., "exit_code": N}}.
void write_error_json(std::ostream& out, std::string_view message, int exit_code);

// `loginref lint`'s report: the file and its warnings (text: one
// "warning:" line each, or "lint:     no warnings"; JSON: {"loginref": 1,
// "config": ..., "warnings": [...]}).
void write_lint_report(std::ostream& out, std::string_view config_path,
                       const std::vector<Warning>& warnings, OutputFormat format);

// `text` with \r \n \t \\ and other control bytes escaped, so one value
// stays on one line of text output (JSON carries the exact bytes).
std::string printable(std::string_view text);

// Values of these fields are replaced by "<redacted>" in every output.
bool is_secret_field(std::string_view name);

} // namespace loginref
