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
  std::string hostname;        // my_hostname, for the tempfail suffix
  std::time_t now = 0;         // the tempfail timestamp, in local time
  std::string imap_capability; // the imap_capability setting ("" = default)
};

// The line without its CRLF. A reason is sent as it is, so a reason with a
// CR or LF yields a line that contains them.
std::string response_line(const Decision& decision, const ResponseContext& context);

// The post-login CAPABILITY list the imap process sends with "Logged in":
// Dovecot 2.3.19's built-in list plus what Debian 12's stock configuration
// adds (LITERAL+, NOTIFY for mailbox list indexes, SPECIAL-USE for the
// special-use mailboxes of 15-mailboxes.conf). `setting` is imap_capability:
// "" keeps the default, "+X Y" appends, anything else replaces it.
std::string post_login_capability(std::string_view setting);

// "[hostname:YYYY-MM-DD HH:MM:SS]" as imap-login formats it (local time).
std::string tempfail_suffix(std::string_view hostname, std::time_t now);

} // namespace loginref
