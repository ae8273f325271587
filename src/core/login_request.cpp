#include "core/login_request.hpp"

#include "core/error.hpp"
#include "core/expand.hpp"
#include "core/suggest.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace loginref {

namespace {

// ---------------------------------------------------------------------------
// -o NAME=VALUE

struct SettingField {
  std::string_view name;
  std::string AuthSettings::*member;
};

constexpr std::array<SettingField, 6> k_settings = {{
    {"auth_username_chars", &AuthSettings::auth_username_chars},
    {"auth_username_translation", &AuthSettings::auth_username_translation},
    {"auth_default_realm", &AuthSettings::auth_default_realm},
    {"auth_username_format", &AuthSettings::auth_username_format},
    {"auth_proxy_self", &AuthSettings::auth_proxy_self},
    {"imap_capability", &AuthSettings::imap_capability},
}};

// " (did you mean 'x'?)", or the whole list when nothing is close.
std::string unknown_setting_hint(std::string_view name) {
  const std::vector<std::string> names = auth_setting_names();
  std::string hint = did_you_mean(name, names);
  if (!hint.empty()) {
    return hint;
  }
  hint = " (known settings: ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    hint += (i == 0 ? "" : ", ") + names[i];
  }
  return hint + ")";
}

// ---------------------------------------------------------------------------
// auth_request_fix_username (src/auth/auth-request-fields.c, 2.3.19)

// auth_settings_verify builds a 256-entry map from the setting: each pair
// "ab" translates a to b; a later pair for the same character wins and an
// odd last character is ignored.
std::array<unsigned char, 256> translation_map(std::string_view translation) {
  std::array<unsigned char, 256> map{};
  for (std::size_t i = 0; i + 1 < translation.size(); i += 2) {
    map[static_cast<unsigned char>(translation[i])] =
        static_cast<unsigned char>(translation[i + 1]);
  }
  return map;
}

// uni_utf8_get_char_n (src/lib/unichar.c) on the C string `text`, reading
// at most `max_len` bytes: the length of the first character, 0 if it is cut
// short (by `max_len` or by the end of the string), -1 if it is invalid.
int utf8_char_length(std::string_view text, std::size_t max_len) {
  const unsigned char first = static_cast<unsigned char>(text[0]);
  if (first < 0x80) {
    return 1;
  }
  const std::size_t length = first < 0xc2   ? 1
                             : first < 0xe0 ? 2
                             : first < 0xf0 ? 3
                             : first < 0xf8 ? 4
                             : first < 0xfc ? 5
                             : first < 0xfe ? 6
                                            : 1;
  if (length == 1) {
    return -1;
  }
  static constexpr std::array<std::uint32_t, 7> k_lowest = {0,       0,        0x80,     0x800,
                                                            0x10000, 0x200000, 0x4000000};
  const bool complete = length <= max_len;
  std::uint32_t code = first & (0x7fU >> length);
  for (std::size_t i = 1; i < (complete ? length : max_len); ++i) {
    const unsigned char next = i < text.size() ? static_cast<unsigned char>(text[i]) : '\0';
    if ((next & 0xc0) != 0x80) {
      return next == '\0' ? 0 : -1;
    }
    code = (code << 6) | (next & 0x3f);
  }
  const bool surrogate = (code & 0xfffc00) == 0xd800 || (code & 0xfffc00) == 0xdc00;
  if (surrogate || code > 0x10ffff || (complete && code < k_lowest[length])) {
    return -1;
  }
  return complete ? static_cast<int>(length) : 0;
}

// Removes the last UTF-8 character (str_sanitize_truncate_char).
void drop_last_char(std::string& text) {
  std::size_t size = text.size() - 1;
  while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xc0) == 0x80) {
    --size;
  }
  text.resize(size);
}

// str_sanitize (src/lib/str-sanitize.c): control characters and invalid
// UTF-8 bytes become '?', and text longer than `max_bytes` is cut at a
// character boundary to leave room for "...".
std::string sanitize(std::string_view text, std::size_t max_bytes) {
  text = text.substr(0, text.find('\0'));
  std::string out;
  std::size_t i = 0;
  while (i < max_bytes && i < text.size()) {
    const int length = utf8_char_length(text.substr(i), max_bytes - i);
    if (length == 0) {
      break; // input ended too early
    }
    if (length < 0 || static_cast<unsigned char>(text[i]) < 32) {
      out += '?';
      i += length < 0 ? 1 : static_cast<std::size_t>(length);
      continue;
    }
    out.append(text.substr(i, static_cast<std::size_t>(length)));
    i += static_cast<std::size_t>(length);
  }
  if (i < text.size()) {
    while (max_bytes >= 3 && out.size() > max_bytes - 3) {
      drop_last_char(out);
    }
    if (max_bytes < 3) {
      out.clear();
    }
    out += "...";
  }
  return out;
}

std::string hex_byte(unsigned char c) {
  static constexpr char k_digits[] = "0123456789abcdef";
  return {k_digits[c >> 4], k_digits[c & 0x0f]};
}

// Translates `user` in place and returns Dovecot's log message for the
// first character (after translation) not in auth_username_chars, or "".
// The message shows the name as the client sent it, through str_sanitize.
std::string translate_and_check(std::string& user, const AuthSettings& settings,
                                std::string_view typed) {
  const std::array<unsigned char, 256> translation =
      translation_map(settings.auth_username_translation);
  const std::string_view allowed = settings.auth_username_chars;
  for (char& c : user) {
    const unsigned char translated = translation[static_cast<unsigned char>(c)];
    if (translated != 0) {
      c = static_cast<char>(translated);
    }
    // An empty auth_username_chars allows every character.
    if (!allowed.empty() && allowed.find(c) == std::string_view::npos) {
      return "Username character disallowed by auth_username_chars: 0x" +
             hex_byte(static_cast<unsigned char>(c)) + " (username: " + sanitize(typed, 128) + ")";
    }
  }
  return "";
}

} // namespace

void apply_setting(AuthSettings& settings, std::string_view name_equals_value) {
  const std::size_t equals = name_equals_value.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw UsageError("-o " + std::string(name_equals_value) + ": expected NAME=VALUE");
  }
  const std::string_view name = name_equals_value.substr(0, equals);
  for (const SettingField& field : k_settings) {
    if (field.name == name) {
      settings.*field.member = std::string(name_equals_value.substr(equals + 1));
      return;
    }
  }
  throw UsageError("-o " + std::string(name) + ": unknown setting" + unknown_setting_hint(name));
}

std::vector<std::string> auth_setting_names() {
  std::vector<std::string> names;
  for (const SettingField& field : k_settings) {
    names.emplace_back(field.name);
  }
  return names;
}

NormalizedUser normalize_username(const AuthSettings& settings, const LoginRequest& request) {
  // Dovecot works on the C string: nothing after a NUL exists for it.
  const std::string typed = request.user.substr(0, request.user.find('\0'));
  std::string user = typed;
  if (!settings.auth_default_realm.empty() && user.find('@') == std::string::npos) {
    user += "@" + settings.auth_default_realm;
  }
  NormalizedUser result;
  result.refusal = translate_and_check(user, settings, typed);
  if (result.refused()) {
    return result;
  }
  if (settings.auth_username_format == "%Lu") {
    // The default: what expanding it gives (%u unescaped, then ASCII
    // lowercase, as Dovecot's str_lcase), without building the variable
    // table for every login of an audit.
    std::transform(user.begin(), user.end(), user.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
  } else if (!settings.auth_username_format.empty()) {
    // Expanded without escaping. A failed expansion is not fatal in
    // Dovecot 2.3.19: its message is stored but the function still
    // succeeds with the text as expanded (placeholders and all).
    const Expansion formatted =
        // The client's password has not reached auth yet, so %w is empty.
        expand(settings.auth_username_format, auth_vars(request, user, ""), no_escape());
    user = formatted.text;
    if (formatted.error) {
      result.format_error = "Failed to expand username_format=" + settings.auth_username_format +
                            ": " + *formatted.error;
    }
  }
  if (user.empty()) {
    // "Some PAM plugins go nuts with empty usernames".
    result.refusal = "Empty username";
    return result;
  }
  result.user = user;
  return result;
}

bool password_has_illegal_chars(std::string_view password) {
  for (char c : password) {
    if (c == '\0') {
      break; // the C string ends here
    }
    if (c == '\001' || c == '\t' || c == '\r' || c == '\n') {
      return true;
    }
  }
  return false;
}

AuthVars auth_vars(const LoginRequest& request, const std::string& user,
                   std::string_view password) {
  AuthVars vars;
  vars.user = user;
  vars.original_user = request.user;
  vars.service = request.service;
  vars.local_ip = request.local_ip;
  vars.remote_ip = request.remote_ip;
  vars.real_local_ip = request.local_ip;
  vars.real_remote_ip = request.remote_ip;
  vars.local_port = request.local_port;
  vars.remote_port = request.remote_port;
  vars.real_local_port = request.local_port;
  vars.real_remote_port = request.remote_port;
  static const std::string pid = std::to_string(getpid()); // a syscall per call otherwise
  vars.pid = pid;
  vars.password = std::string(password);
  vars.mech = request.mech;
  // client_create: TLS, a trusted network, or remote IP == local IP.
  const bool local = !request.remote_ip.empty() && request.remote_ip == request.local_ip;
  vars.secured = request.secured || local ? "secured" : "";
  vars.hostname = request.hostname;
  return vars;
}

} // namespace loginref
