#include "core/ip_addr.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace loginref {

namespace {

// str_parse_uint: decimal digits (at least one), no sign, no overflow.
// Returns the number and moves `text` past the digits.
std::optional<unsigned> parse_uint_prefix(std::string_view& text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

// net_addr2ip_inet4_fast: a single decimal number or exactly four decimal
// parts. It runs before inet_aton, so these forms are always decimal:
// "010.0.0.1" is 10.0.0.1 (inet_aton would read octal 8.0.0.1) and
// "1.2.3.08" is valid.
std::optional<IpAddr> parse_ipv4_fast(std::string_view text) {
  std::optional<unsigned> num = parse_uint_prefix(text);
  if (!num) {
    return std::nullopt;
  }
  IpAddr ip;
  if (text.empty()) {
    const std::uint32_t value = *num;
    ip.bytes[0] = static_cast<std::uint8_t>(value >> 24);
    ip.bytes[1] = static_cast<std::uint8_t>(value >> 16);
    ip.bytes[2] = static_cast<std::uint8_t>(value >> 8);
    ip.bytes[3] = static_cast<std::uint8_t>(value);
    return ip;
  }
  for (std::size_t i = 0;; ++i) {
    if (*num >= 256) {
      return std::nullopt;
    }
    ip.bytes[i] = static_cast<std::uint8_t>(*num);
    if (i == 3) {
      break;
    }
    if (text.empty() || text.front() != '.') {
      return std::nullopt;
    }
    text.remove_prefix(1);
    num = parse_uint_prefix(text);
    if (!num) {
      return std::nullopt;
    }
  }
  if (!text.empty()) {
    return std::nullopt;
  }
  return ip;
}

} // namespace

std::optional<IpAddr> parse_ip(std::string_view text) {
  // net_addr2ip stops at a NUL like any C string.
  text = text.substr(0, text.find('\0'));
  if (std::optional<IpAddr> fast = parse_ipv4_fast(text)) {
    return fast;
  }
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
