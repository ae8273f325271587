// The boundary between loginref and a driver module.
//
// The pgsql and mysql drivers are built as shared modules
// (loginref_driver_pgsql.so, loginref_driver_mysql.so) that driver.cpp
// dlopen()s only when a configuration asks for them, so a SQLite run never
// loads libpq or libmariadb, and a machine without them still runs SQLite.
// Dovecot 2.3 does the same with its driver plugins (lib20_driver_pgsql.so).
//
// A module links no loginref code: it sees only the header-only interface
// (driver.hpp, error.hpp). Its one exported entry point never throws;
// opening errors come back as values and driver.cpp rethrows them as
// ConfigError/DriverError, so the error class decides the exit code in the
// executable, not in the module. Later Driver::query() calls do throw
// DriverError across the boundary; that is safe because module and
// executable share libstdc++ and GCC matches exception types by name, and
// the ABI tag below refuses a module built by an incompatible compiler.
#pragma once

#include "core/driver/driver.hpp"
#include "core/error.hpp"

#include <exception>
#include <memory>
#include <string>

namespace loginref::driver {

#define LOGINREF_STRINGIFY_2(x) #x
#define LOGINREF_STRINGIFY(x) LOGINREF_STRINGIFY_2(x)

// Changes whenever this header, driver.hpp or error.hpp change in a way
// that breaks a module built against the old version.
inline constexpr const char* k_module_abi = "loginref-driver-module 2, gxx-abi " LOGINREF_STRINGIFY(
    __GXX_ABI_VERSION) ", cxx11-abi " LOGINREF_STRINGIFY(_GLIBCXX_USE_CXX11_ABI);

enum class ModuleStatus { ok, config_error, driver_error };

struct ModuleOpenResult {
  ModuleStatus status = ModuleStatus::ok;
  std::unique_ptr<Driver> driver; // set when status is ok
  std::string message;            // otherwise: the exception's what()
  std::string sqlstate;
};

// extern "C" names looked up with dlsym(): "loginref_driver_abi" and
// "loginref_driver_open".
using ModuleAbiFunction = const char* (*)();
using ModuleOpenFunction = void (*)(const std::string& connect, const DriverOptions& options,
                                    ModuleOpenResult& result);

// For a module's entry point: runs `open` and turns what it throws into a
// ModuleOpenResult, so no exception leaves the entry point.
template <typename OpenFunction>
void open_in_module(OpenFunction open, ModuleOpenResult& result) noexcept {
  try {
    result.driver = open();
    result.status = ModuleStatus::ok;
  } catch (const ConfigError& e) {
    result.status = ModuleStatus::config_error;
    result.message = e.what();
  } catch (const DriverError& e) {
    result.status = ModuleStatus::driver_error;
    result.message = e.what();
    result.sqlstate = e.sqlstate();
  } catch (const std::exception& e) {
    // Only std::bad_alloc and friends get here: report, don't crash.
    result.status = ModuleStatus::driver_error;
    result.message = e.what();
  }
}

} // namespace loginref::driver

// Defines the two entry points of a module whose factory is `factory`
// (a function (const std::string&, const DriverOptions&) -> unique_ptr<Driver>).
#define LOGINREF_DRIVER_MODULE(factory)                                                            \
  extern "C" __attribute__((visibility("default"))) const char* loginref_driver_abi() {            \
    return loginref::driver::k_module_abi;                                                         \
  }                                                                                                \
  extern "C" __attribute__((visibility("default"))) void loginref_driver_open(                     \
      const std::string& connect, const loginref::driver::DriverOptions& options,                  \
      loginref::driver::ModuleOpenResult& result) {                                                \
    loginref::driver::open_in_module([&] { return factory(connect, options); }, result);           \
  }
