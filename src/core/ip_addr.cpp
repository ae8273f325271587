#include "core/ip_addr.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace loginref {

std::optional<IpAddr> parse_ip(std::string_view text) {
  std::string address(text);
  IpAddr ip;
  if (address.find(':') != std::string::npos) {
    // Dovecot accepts "[v6]" here, so a bracketed host is still an IP.
    if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
      address = address.substr(1, address.size() - 2);
    }
    in6_addr addr6{};
    if (inet_pton(AF_INET6, address.c_str(), &addr6) != 1) {
      return std::nullopt;
    }
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), &addr6, 16);
    return ip;
  }
  // inet_aton, not inet_pton: Dovecot 2.3 takes "127.1" and "10" as IPv4.
  in_addr addr4{};
  if (address.empty() || inet_aton(address.c_str(), &addr4) == 0) {
    return std::nullopt;
  }
  std::memcpy(ip.bytes.data(), &addr4, 4);
  return ip;
}

namespace {

// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is compared as IPv4.
IpAddr unmap_ipv4(const IpAddr& ip) {
  static const std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!ip.v6 || std::memcmp(ip.bytes.data(), prefix, 12) != 0) {
    return ip;
  }
  IpAddr v4;
  std::memcpy(v4.bytes.data(), ip.bytes.data() + 12, 4);
  return v4;
}

} // namespace

std::optional<bool> ip_in_network(const IpAddr& ip, std::string_view network) {
  std::string_view address = network;
  std::optional<unsigned> bits;
  const std::size_t slash = network.find('/');
  if (slash != std::string_view::npos) {
    address = network.substr(0, slash);
    std::string_view mask = network.substr(slash + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(mask.data(), mask.data() + mask.size(), value);
    if (ec != std::errc() || end != mask.data() + mask.size() || mask.empty()) {
      return std::nullopt;
    }
    bits = value;
  }
  std::optional<IpAddr> net = parse_ip(address);
  if (!net) {
    return std::nullopt;
  }
  const unsigned max_bits = net->v6 ? 128 : 32;
  const unsigned prefix = bits.value_or(max_bits);
  if (prefix > max_bits) {
    return std::nullopt;
  }
  const IpAddr candidate = unmap_ipv4(ip);
  if (candidate.v6 != net->v6) {
    return false;
  }
  for (unsigned bit = 0; bit < prefix; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((candidate.bytes[bit / 8] & mask) != (net->bytes[bit / 8] & mask)) {
      return false;
    }
  }
  return true;
}

std::string to_string(const IpAddr& ip) {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), buffer, sizeof(buffer));
  return buffer;
}

} // namespace loginref
