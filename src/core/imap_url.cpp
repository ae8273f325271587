#include "core/imap_url.hpp"

namespace loginref {

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_sub_delim(unsigned char c) {
  return std::string_view("!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos;
}

// uri_data_encode: "%%%02x", so the hex digits are lowercase. Bytes >= 0x80
// are always encoded. Dovecot stops at a NUL; so does this.
std::string encode(std::string_view data, bool keep_semicolon) {
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  for (char ch : data) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\0') {
      break;
    }
    const bool keep =
        c < 0x80 && (is_unreserved(c) || (is_sub_delim(c) && (keep_semicolon || c != ';')));
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    }
  }
  return out;
}

} // namespace

std::string encode_user_data(std::string_view data) {
  // uri_append_user_data with extra escapes ";:" (':' is otherwise allowed).
  return encode(data, false);
}

std::string encode_host_name(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    return std::string(host.substr(0, host.find('\0')));
  }
  return encode(host, true);
}

std::string imap_referral_url(std::string_view userid, std::string_view mech, std::string_view host,
                              unsigned port) {
  std::string url = "imap://";
  url += encode_user_data(userid);
  url += ";AUTH=";
  url += encode_user_data(mech);
  url += '@';
  url += encode_host_name(host);
  if (port != 143 && port != 0) {
    url += ':' + std::to_string(port);
  }
  url += '/';
  return url;
}

} // namespace loginref
