// IP addresses as Dovecot 2.3 parses and compares them (src/lib/net.c:
// net_addr2ip, net_parse_range, net_is_in_network, net_ip_compare). Used for
// allow_nets, proxy_maybe's "is this host me?" and the referral host.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loginref {

struct IpAddr {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{}; // IPv4 uses the first 4

  bool operator==(const IpAddr&) const = default;
};

// net_addr2ip: IPv4 in inet_aton's forms ("10.1", "127.0.0.1"), IPv6, or
// "[IPv6]". nullopt when `text` is not an address (a host name).
std::optional<IpAddr> parse_ip(std::string_view text);

// net_parse_range + net_is_in_network: does `ip` fall in `network`
// ("10.0.0.0/8", "::1", ...)? nullopt when `network` is not valid.
std::optional<bool> ip_in_network(const IpAddr& ip, std::string_view network);

// net_ip2addr: the canonical text form.
std::string to_string(const IpAddr& ip);

} // namespace loginref
