// A warning about a login or a query: something Dovecot accepts silently but
// an admin most likely did not mean. `code` is stable (documented in
// man/loginref.1, used by CI pipelines); `message` is one human line.
#pragma once

#include <string>

namespace loginref {

struct Warning {
  std::string code;
  std::string message;

  bool operator==(const Warning&) const = default;
};

} // namespace loginref
