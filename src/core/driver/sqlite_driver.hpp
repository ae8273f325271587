#pragma once

#include "core/driver/driver.hpp"

namespace loginref::driver {

// Opens `path` read-only (Dovecot 2.3 would create a missing file; loginref
// refuses, because a dry run must not write anything). Throws ConfigError
// "<path>: ..." if it does not exist or is not an SQLite database.
std::unique_ptr<Driver> open_sqlite(const std::string& path, const DriverOptions& options);

} // namespace loginref::driver
