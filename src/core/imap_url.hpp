// The RFC 2221/5092 referral URL exactly as Dovecot 2.3.19's imap-login
// builds it (src/lib-imap/imap-url.c: imap_url_create, src/lib/uri-util.c).
#pragma once

#include <string>
#include <string_view>

namespace loginref {

// imap://<userid>;AUTH=<mech>@<host>[:<port>]/ — the port appears only when
// it is not 143 (imap-login's rule). `userid` and `mech` keep unreserved and
// sub-delim characters except ';', and encode everything else as %xx with
// lowercase hex; `host` keeps ';' too, and is copied verbatim when it starts
// with '[' (an IPv6 literal).
std::string imap_referral_url(std::string_view userid, std::string_view mech, std::string_view host,
                              unsigned port);

// The two encodings, exposed for tests.
std::string encode_user_data(std::string_view data);
std::string encode_host_name(std::string_view host);

} // namespace loginref
