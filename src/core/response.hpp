// The tagged line an IMAP client receives for its LOGIN, byte for byte as
// Dovecot 2.3.19 sends it (src/imap-login/client-authenticate.c:
// imap_client_auth_result, src/imap/main.c: client_send_login_reply).
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "core/decision.hpp"

namespace loginref {

struct ResponseContext {
  std::string tag = "a1";
  std::string hostname{};        // my_hostname, for the tempfail suffix
  std::time_t now = 0;           // the tempfail timestamp, in local time
  std::string imap_capability{}; // the imap_capability setting ("" = default)
  bool special_use = false;      // the user's namespace has special_use mailboxes
};

// The line without its CRLF. A reason is sent as it is, so a reason with a
// CR or LF yields a line that contains them.
std::string response_line(const Decision& decision, const ResponseContext& context);

// The post-login CAPABILITY list the imap process sends with "Logged in"
// (src/imap/imap-client.c: client_create): Dovecot 2.3.19's built-in list,
// then LITERAL+ and NOTIFY (mailbox list indexes are on by default), then
// SPECIAL-USE when `special_use` (Debian's stock 15-mailboxes.conf defines
// special_use mailboxes; Dovecot's built-in defaults do not). `setting` is
// imap_capability: "" keeps the default, "+X Y" appends, anything else
// replaces the whole list and nothing is added.
std::string post_login_capability(std::string_view setting, bool special_use);

// "[hostname:YYYY-MM-DD HH:MM:SS]" as imap-login formats it (local time).
std::string tempfail_suffix(std::string_view hostname, std::time_t now);

} // namespace loginref
