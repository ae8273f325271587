// Small header-only helpers shared by the three drivers. Header-only on
// purpose: the pgsql and mysql modules link no loginref code (module.hpp).
#pragma once

#include <poll.h>

#include <algorithm>

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace loginref::driver {

using Clock = std::chrono::steady_clock;

// "10 s", "1.5 s", "250 ms": a timeout as an error message shows it.
inline std::string timeout_text(std::chrono::milliseconds timeout) {
  const long long ms = timeout.count();
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  if (ms > 1000) {
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
  }
  return std::to_string(ms) + " ms";
}

// Dovecot 2.3 hands every value to its escape functions as a C string, so
// a NUL ends the value there (sql_escape_string(db, const char*)). The
// drivers escape the same prefix.
inline std::string_view up_to_nul(std::string_view value) {
  return value.substr(0, value.find('\0'));
}

// Dovecot's t_strsplit_spaces(s, " "): split on spaces, drop empty tokens.
// Both pool-wrapped drivers (sqlpool for pgsql, mysql itself) read their
// connect strings this way, so quoting cannot protect a space.
inline std::vector<std::string> split_spaces(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    if (end > start) {
      tokens.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return tokens;
}

// Dovecot's str_to_uint(): decimal digits only, no sign, no overflow.
inline bool parse_uint(std::string_view text, unsigned int& value) {
  if (text.empty() || text.size() > 10) {
    return false;
  }
  unsigned long long parsed = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    parsed = parsed * 10 + static_cast<unsigned>(c - '0');
  }
  if (parsed > 0xffffffffULL) {
    return false;
  }
  value = static_cast<unsigned int>(parsed);
  return true;
}

// Client libraries report errors over several lines ("...failed: ...\n\tIs
// the server running...?\n"); loginref prints one line per error.
inline std::string one_line(std::string_view text) {
  std::string line;
  bool pending_separator = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view part = text.substr(start, end - start);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) {
      part.remove_prefix(1);
    }
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t' || part.back() == '\r')) {
      part.remove_suffix(1);
    }
    if (!part.empty()) {
      if (pending_separator) {
        line += "; ";
      }
      line += part;
      pending_separator = true;
    }
    start = end + 1;
  }
  return line;
}

// Replaces every occurrence of each secret (a password, or a piece of one
// that the space-splitting cut off) with "***". Short pieces are replaced
// only where they appear quoted, so "a" does not eat every 'a' in a message.
inline std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    const std::string quoted = "\"" + secret + "\"";
    for (std::size_t at = text.find(quoted); at != std::string::npos;
         at = text.find(quoted, at + 5)) {
      text.replace(at, quoted.size(), "\"***\"");
    }
    if (secret.size() >= 3) {
      for (std::size_t at = text.find(secret); at != std::string::npos;
           at = text.find(secret, at + 3)) {
        text.replace(at, secret.size(), "***");
      }
    }
  }
  return text;
}

// Waits until `fd` can be read (or written, with `for_write`) or `deadline`
// passes. Returns false on timeout. Both network drivers run their client
// library non-blocking and wait here, so every wait is bounded.
inline bool wait_socket(int fd, bool for_read, bool for_write, Clock::time_point deadline) {
  for (;;) {
    const Clock::duration left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
      return false;
    }
    pollfd watched{};
    watched.fd = fd;
    watched.events = static_cast<short>((for_read ? POLLIN : 0) | (for_write ? POLLOUT : 0));
    const long long ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    const int rc = poll(&watched, 1, static_cast<int>(std::min<long long>(ms, 60000)));
    if (rc > 0) {
      return true; // readable, writable, or an error the library will report
    }
    if (rc < 0 && errno != EINTR) {
      return true; // let the library find out what is wrong with the socket
    }
  }
}

} // namespace loginref::driver
