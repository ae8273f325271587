// Bytes as hex digits and back, as Dovecot 2.3.19's src/lib/hex-binary.c
// does it: binary_to_hex for printing (%{md5:...}, the M modifier) and
// hex_to_binary for stored passwords ({SCHEME.hex}, PBKDF2 hashes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loginref {

// binary_to_hex: two lowercase digits per byte.
std::string to_hex(std::string_view bytes);

// hex_to_binary: digits of either case, two per byte. nullopt when `text`
// has an odd length or a character that is not a hex digit.
std::optional<std::string> hex_to_binary(std::string_view text);

} // namespace loginref
