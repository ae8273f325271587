#include "core/response.hpp"

#include "core/imap_url.hpp"

namespace loginref {

namespace {

// configure.ac's CAPABILITY_STRING in 2.3.19.
constexpr std::string_view k_builtin_capability =
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES "
    "THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN "
    "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES "
    "WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW "
    "STATUS=SIZE SAVEDATE";

// What imap's client_create adds with default settings (checked live).
constexpr std::string_view k_added_capability = " LITERAL+ NOTIFY";

// client_send_reply_code: "<tag> <OK|NO> [<code>] <text>".
std::string with_code(const ResponseContext& context, std::string_view status,
                      std::string_view code, std::string_view text) {
  return context.tag + " " + std::string(status) + " [" + std::string(code) + "] " +
         std::string(text);
}

std::string logged_in(const ResponseContext& context, std::string_view text) {
  return with_code(
      context, "OK",
      "CAPABILITY " + post_login_capability(context.imap_capability, context.special_use), text);
}

} // namespace

std::string post_login_capability(std::string_view setting, bool special_use) {
  if (!setting.empty() && setting.front() != '+') {
    // An explicit list is sent as it is: client_add_capability adds nothing.
    return std::string(setting);
  }
  std::string list(k_builtin_capability);
  if (!setting.empty()) {
    list += " " + std::string(setting.substr(1));
  }
  list += k_added_capability;
  if (special_use) {
    list += " SPECIAL-USE";
  }
  return list;
}

std::string tempfail_suffix(std::string_view hostname, std::time_t now) {
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32] = {};
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &local);
  return "[" + std::string(hostname) + ":" + stamp + "]";
}

std::string response_line(const Decision& decision, const ResponseContext& context) {
  switch (decision.result) {
  case LoginResult::logged_in:
  case LoginResult::proxied:
    // A proxied client sees the backend's OK line; loginref assumes the
    // backend is a Dovecot 2.3.19 with the same imap_capability.
    return logged_in(context, decision.reason);
  case LoginResult::proxy_failed:
    return with_code(context, "NO", "UNAVAILABLE", decision.reason);
  case LoginResult::referral_nologin: {
    const Referral& referral = *decision.referral;
    return with_code(context, "NO",
                     "REFERRAL " + imap_referral_url(referral.userid, referral.mech, referral.host,
                                                     referral.port),
                     decision.reason);
  }
  case LoginResult::login_disabled:
    return with_code(context, "NO", "CONTACTADMIN", decision.reason);
  case LoginResult::auth_failed:
    return with_code(context, "NO", "AUTHENTICATIONFAILED", decision.reason);
  case LoginResult::auth_failed_reason:
    // A reason that starts with '[' carries its own response code.
    if (!decision.reason.empty() && decision.reason.front() == '[') {
      return context.tag + " NO " + decision.reason;
    }
    return with_code(context, "NO", "ALERT", decision.reason);
  case LoginResult::tempfail:
    return with_code(context, "NO", "UNAVAILABLE",
                     decision.reason + " " + tempfail_suffix(context.hostname, context.now));
  }
  return "";
}

} // namespace loginref
