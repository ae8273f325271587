// Fuzzes the referral URL and the response line (imap_referral_url,
// encode_user_data, encode_host_name, response_line, post_login_capability)
// with arbitrary Decision fields.
//
// Input fields, one per line (see fuzz_input.hpp): result (0-7, the
// LoginResult in declaration order), kind (0-5), reason, referral userid,
// mech, host, port, tag, hostname, imap_capability, special_use (0/1), now.
// decide() sets `referral` whenever result is referral_nologin (its
// contract, which response_line relies on), so this target does too.
#include <cstdint>
#include <ctime>
#include <string>

#include "core/decision.hpp"
#include "core/imap_url.hpp"
#include "core/response.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loginref::fuzz::FieldReader in(data, size);
  loginref::Decision decision;
  decision.result = static_cast<loginref::LoginResult>(in.number() % 8);
  decision.kind = static_cast<loginref::DecisionKind>(in.number() % 6);
  decision.reason = in.next();
  loginref::Referral referral;
  referral.userid = in.next();
  referral.mech = in.next();
  referral.host = in.next();
  // Any unsigned value: the URL must not assume a valid port.
  referral.port = static_cast<unsigned>(in.number() & 0xffffffffU);
  decision.referral = referral;

  loginref::ResponseContext context;
  context.tag = in.next();
  context.hostname = in.next();
  context.imap_capability = in.next();
  context.special_use = in.number() % 2 == 1;
  // Any time_t, negative ones included: localtime_r may fail on them.
  const unsigned long long now = in.number();
  context.now = static_cast<std::time_t>(now % 2 == 0 ? now / 2 : -static_cast<long long>(now / 2));

  (void)loginref::imap_referral_url(referral.userid, referral.mech, referral.host, referral.port);
  (void)loginref::response_line(decision, context);
  return 0;
}
