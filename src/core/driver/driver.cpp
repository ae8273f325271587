// Driver names, and open_driver(): the one place that knows which drivers
// this loginref has and how each one is reached.
//
// sqlite is linked in (the embedded default). pgsql and mysql are shared
// modules loaded with dlopen() on first use (see module.hpp), so their
// client libraries are loaded only by runs that use them.
#include "core/driver/driver.hpp"

#include "core/driver/module.hpp"
#include "core/error.hpp"

#if LOGINREF_HAVE_SQLITE
#include "core/driver/sqlite_driver.hpp"
#endif

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

namespace loginref::driver {

std::optional<DriverKind> driver_kind_from_name(std::string_view name) {
  // Dovecot 2.3 matches driver names exactly (sql_driver_lookup: strcmp).
  if (name == "sqlite") {
    return DriverKind::sqlite;
  }
  if (name == "pgsql") {
    return DriverKind::pgsql;
  }
  if (name == "mysql") {
    return DriverKind::mysql;
  }
  return std::nullopt;
}

std::string_view to_string(DriverKind kind) {
  switch (kind) {
  case DriverKind::sqlite:
    return "sqlite";
  case DriverKind::pgsql:
    return "pgsql";
  case DriverKind::mysql:
    return "mysql";
  }
  return "unknown";
}

namespace {

// --- Modules -----------------------------------------------------------------

struct ModuleInfo {
  const char* file;           // the module's file name
  const char* client_library; // what it needs at run time
  const char* debian_package; // where that comes from
};

ModuleInfo module_info(DriverKind kind) {
  if (kind == DriverKind::pgsql) {
    return {"loginref_driver_pgsql.so", "libpq", "libpq5"};
  }
  return {"loginref_driver_mysql.so", "libmariadb", "libmariadb3"};
}

// LOGINREF_DRIVER_DIR if set; else next to the executable (the build tree)
// and <prefix>/lib/loginref for an executable in <prefix>/bin.
std::vector<std::filesystem::path> module_directories() {
  const char* override_dir = std::getenv("LOGINREF_DRIVER_DIR");
  if (override_dir != nullptr && *override_dir != '\0') {
    return {override_dir};
  }
  std::error_code ec;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return {};
  }
  const std::filesystem::path dir = executable.parent_path();
  return {dir, (dir / ".." / "lib" / "loginref").lexically_normal()};
}

std::string joined(const std::vector<std::filesystem::path>& dirs) {
  std::string text;
  for (const std::filesystem::path& dir : dirs) {
    text += (text.empty() ? "" : ", ") + dir.string();
  }
  return text.empty() ? "(no directory)" : text;
}

// Loads the module for `kind` once per process and returns its entry point.
// Modules are never unloaded: the drivers they create live in them.
ModuleOpenFunction load_module(DriverKind kind) {
  static std::mutex mutex;
  static std::map<DriverKind, ModuleOpenFunction> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  if (const auto found = loaded.find(kind); found != loaded.end()) {
    return found->second;
  }

  const std::string name(to_string(kind));
  const ModuleInfo info = module_info(kind);
  const std::vector<std::filesystem::path> dirs = module_directories();
  std::filesystem::path path;
  for (const std::filesystem::path& dir : dirs) {
    std::error_code ec;
    if (std::filesystem::exists(dir / info.file, ec)) {
      path = dir / info.file;
      break;
    }
  }
  if (path.empty()) {
    throw ConfigError(
        "driver '" + name + "': module " + info.file + " not found in " + joined(dirs) +
        " (reinstall loginref, or set LOGINREF_DRIVER_DIR to the directory that holds it)");
  }

  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = dlerror();
    throw ConfigError("driver '" + name + "': cannot load " + path.string() + ": " +
                      (reason != nullptr ? reason : "unknown error") + " (it needs " +
                      info.client_library + ": install the Debian package " + info.debian_package +
                      ")");
  }
  // Never dlclose()d (see above); the handle is deliberately not owned.
  const ModuleAbiFunction abi =
      reinterpret_cast<ModuleAbiFunction>(dlsym(handle, "loginref_driver_abi"));
  const ModuleOpenFunction open =
      reinterpret_cast<ModuleOpenFunction>(dlsym(handle, "loginref_driver_open"));
  if (abi == nullptr || open == nullptr) {
    throw ConfigError(
        "driver '" + name + "': " + path.string() +
        " is not a loginref driver module (no loginref_driver_open); reinstall loginref");
  }
  if (std::string_view(abi()) != k_module_abi) {
    throw ConfigError("driver '" + name + "': " + path.string() +
                      " was built for another loginref (" + abi() + ", expected " + k_module_abi +
                      "); reinstall loginref");
  }
  loaded.emplace(kind, open);
  return open;
}

[[maybe_unused]] std::unique_ptr<Driver>
open_module_driver(DriverKind kind, const std::string& connect, const DriverOptions& options) {
  const ModuleOpenFunction open = load_module(kind);
  ModuleOpenResult result;
  open(connect, options, result);
  switch (result.status) {
  case ModuleStatus::ok:
    return std::move(result.driver);
  case ModuleStatus::config_error:
    throw ConfigError(result.message);
  case ModuleStatus::driver_error:
    break;
  }
  throw DriverError(result.message, result.sqlstate);
}

[[maybe_unused]] [[noreturn]] void throw_not_compiled_in(DriverKind kind, std::string_view option) {
  throw ConfigError("driver '" + std::string(to_string(kind)) +
                    "' was not compiled into this loginref (rebuild with -D" + std::string(option) +
                    "=ON)");
}

} // namespace

std::unique_ptr<Driver> open_driver(DriverKind kind, const std::string& connect,
                                    const DriverOptions& options) {
  switch (kind) {
  case DriverKind::sqlite:
#if LOGINREF_HAVE_SQLITE
    return open_sqlite(connect, options);
#else
    throw_not_compiled_in(kind, "LOGINREF_WITH_SQLITE");
#endif
  case DriverKind::pgsql:
#if LOGINREF_HAVE_PGSQL
    return open_module_driver(kind, connect, options);
#else
    throw_not_compiled_in(kind, "LOGINREF_WITH_PGSQL");
#endif
  case DriverKind::mysql:
#if LOGINREF_HAVE_MYSQL
    return open_module_driver(kind, connect, options);
#else
    throw_not_compiled_in(kind, "LOGINREF_WITH_MYSQL");
#endif
  }
  throw ConfigError("unknown driver");
}

} // namespace loginref::driver
