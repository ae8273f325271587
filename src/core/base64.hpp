// Base64 (RFC 4648, "+/" alphabet) as Dovecot 2.3.19's src/lib/base64.c
// writes and reads it: base64_encode for %{...;format=base64}, and the
// decoders' exact acceptance rules for stored passwords ({SCHEME.b64},
// the default encoding of SHA, SSHA and friends, and SCRAM's fields).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loginref {

// base64_encode: padded with '=' to a multiple of 4 characters.
std::string to_base64(std::string_view bytes);

// base64_decode: spaces, tabs, CRs and LFs are skipped anywhere, padding
// is required, "=" or "==" may only close a group of 3 or 2 characters,
// and nothing may follow it. nullopt when `text` breaks one of these rules.
// The unused low bits of the last character are not checked.
std::optional<std::string> base64_decode(std::string_view text);

// t_base64_decode_str: never fails, and keeps whatever was decoded before
// the first character that is neither base64 nor skipped whitespace
// (Dovecot decodes the SCRAM salt this way).
std::string base64_decode_lenient(std::string_view text);

} // namespace loginref
