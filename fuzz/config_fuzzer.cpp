// Fuzzes the dovecot-sql.conf.ext reader (load_sql_config and
// validate_sql_config): the input is a whole configuration file.
//
// load_sql_config reads a path, so the input is written to a file in a
// private directory first. `!include` follows paths, so an input that could
// reach outside that directory (any '/') is skipped: /dev/zero or a fifo
// would only test the machine. Relative includes still run (a glob in the
// directory finds the file itself, which exercises the recursion check).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unistd.h>

#include "core/config.hpp"
#include "core/error.hpp"

namespace {

// A private directory (plain char arrays: the exit handler runs after
// static std::strings are destroyed) holding the one input file.
char g_dir[] = "/tmp/loginref-config-fuzz.XXXXXX";
char g_path[sizeof g_dir + 32] = {};

const char* config_path() {
  if (g_path[0] == '\0') {
    if (mkdtemp(g_dir) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::snprintf(g_path, sizeof g_path, "%s/dovecot-sql.conf.ext", g_dir);
    std::atexit([] {
      std::remove(g_path);
      rmdir(g_dir);
    });
  }
  return g_path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("!include") != std::string_view::npos && text.find('/') != std::string_view::npos) {
    return -1; // not added to the corpus
  }
  const std::string path = config_path();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || std::fwrite(data, 1, size, file) != size || std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  try {
    const loginref::SqlConfig config = loginref::load_sql_config(path);
    loginref::validate_sql_config(config);
  } catch (const loginref::ConfigError&) {
    // The documented outcome for a bad file.
  }
  return 0;
}
