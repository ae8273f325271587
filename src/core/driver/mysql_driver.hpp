#pragma once

#include "core/driver/driver.hpp"

namespace loginref::driver {

// Opens a mysql connection for Dovecot 2.3's `connect` string. Lives in the
// module loginref_driver_mysql.so; loginref reaches it through open_driver().
// Throws ConfigError for a malformed connect string, DriverError when the
// server cannot be reached.
std::unique_ptr<Driver> open_mysql(const std::string& connect, const DriverOptions& options);

} // namespace loginref::driver
