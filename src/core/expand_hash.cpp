// %{method[;options]:variable}: Dovecot 2.3.19's hash methods
// (src/lib/hash-method.c) and the hashing part of var_expand_hash
// (src/lib/var-expand.c). The code is our own.
#include "core/expand_hash.hpp"

#include "core/base64.hpp"
#include "core/hex_binary.hpp"
#include "core/strfuncs.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace loginref {

namespace {

// loginref's own limit, not Dovecot's. Dovecot would happily hash four
// billion rounds; a tester that is fed hostile templates must not.
constexpr unsigned k_max_rounds = 100000;

// Digests (digest.hpp; Dovecot has its own implementations of the same
// algorithms in src/lib/md4.c, md5.c, sha1.c, sha2.c, sha3.c).

constexpr std::array<HashMethod, 9> k_hash_methods = {{
    {"md4", 16, DigestMethod::md4},
    {"md5", 16, DigestMethod::md5},
    {"sha1", 20, DigestMethod::sha1},
    {"sha256", 32, DigestMethod::sha256},
    {"sha384", 48, DigestMethod::sha384},
    {"sha512", 64, DigestMethod::sha512},
    {"sha3-256", 32, DigestMethod::sha3_256},
    {"sha3-512", 64, DigestMethod::sha3_512},
    // Not a digest: the 64-bit big-endian length of what was "hashed".
    // Dovecot registers it like the others, so %{size:user} works.
    {"size", 8, std::nullopt},
}};

// nullopt when OpenSSL cannot compute the digest (MD4 unavailable).
std::optional<std::string> hash_once(const HashMethod& method, std::string_view data) {
  if (!method.digest) {
    std::string out(8, '\0');
    const std::uint64_t size = data.size();
    for (int i = 0; i < 8; ++i) {
      out[static_cast<std::size_t>(i)] = static_cast<char>((size >> (56 - 8 * i)) & 0xff);
    }
    return out;
  }
  if (!digest_available(*method.digest)) {
    return std::nullopt;
  }
  return digest(*method.digest, {data});
}

// buffer_truncate_rshift_bits (src/lib/buffer.c): keep the first `bits`
// bits, right-aligned as a big-endian number.
void truncate_rshift_bits(std::string& buffer, std::size_t bits) {
  if (buffer.size() * 8 < bits) {
    return;
  }
  const std::size_t bytes = (bits + 7) / 8;
  const unsigned shift = static_cast<unsigned>(bits % 8);
  buffer.resize(std::min(bytes, buffer.size()));
  if (shift == 0 || buffer.empty()) {
    return;
  }
  for (std::size_t i = buffer.size() - 1; i > 0; --i) {
    const unsigned char cur = static_cast<unsigned char>(buffer[i]);
    const unsigned char prev = static_cast<unsigned char>(buffer[i - 1]);
    buffer[i] = static_cast<char>((cur >> (8 - shift)) | ((prev << shift) & 0xff));
  }
  buffer[0] = static_cast<char>(static_cast<unsigned char>(buffer[0]) >> (8 - shift));
}

HashOptionsParse invalid_options(std::string message) { return {std::move(message), std::nullopt}; }

HashResult cannot_hash(std::string message) { return {std::string(), std::move(message)}; }

// pkcs5: PBKDF2-HMAC-SHA256 with Dovecot's output length, which is
// HMAC_MAX_CONTEXT_SIZE = sizeof(struct sha512_ctx) = 336 bytes on 64-bit
// systems. Otherwise: `rounds` times digest = H(salt || digest), starting
// from the value. The raw digest is the result's value.
HashResult compute_hash(bool pkcs5, const HashMethod& method, const std::string& input,
                        const HashOptions& options) {
  if (pkcs5) {
    constexpr std::size_t k_pkcs5_length = 336;
    std::optional<std::string> key =
        pbkdf2(DigestMethod::sha256, input, options.salt, options.rounds, k_pkcs5_length);
    if (!key) {
      return cannot_hash("Cannot hash: PKCS5_PBKDF2 failed");
    }
    return {std::move(*key), std::nullopt};
  }
  std::string raw = input;
  for (unsigned round = 0; round < options.rounds; ++round) {
    std::optional<std::string> digest = hash_once(method, options.salt + raw);
    if (!digest) {
      return cannot_hash("Cannot hash: " + std::string(method.name) +
                         " is not available (OpenSSL's legacy provider could not be loaded)");
    }
    raw = std::move(*digest);
  }
  return {std::move(raw), std::nullopt};
}

} // namespace

// hash_method_lookup is case-sensitive (strcmp).
const HashMethod* find_hash_method(std::string_view name) {
  for (const HashMethod& method : k_hash_methods) {
    if (method.name == name) {
      return &method;
    }
  }
  return nullptr;
}

bool is_hash_method_name(std::string_view name) {
  return std::any_of(k_hash_methods.begin(), k_hash_methods.end(),
                     [name](const HashMethod& m) { return iequals(m.name, name); });
}

// The option loop of var_expand_hash: comma-separated name=value; items
// without '=' and unknown names are ignored, and "salt" ends the list.
HashOptionsParse parse_hash_options(std::string_view arguments, const HashMethod& method,
                                    HashOptions& options) {
  while (true) {
    const std::size_t comma = arguments.find(',');
    const std::string_view item = arguments.substr(0, comma);
    const std::size_t equals = item.find('=');
    if (equals != std::string_view::npos) {
      const std::string_view name = item.substr(0, equals);
      const std::string value(item.substr(equals + 1));
      if (name == "rounds") {
        const std::optional<std::uint64_t> rounds = parse_unsigned(value);
        if (!rounds || *rounds > std::numeric_limits<unsigned>::max()) {
          return invalid_options("Cannot parse hash arguments:'" + value +
                                 "' is not number for rounds");
        }
        if (*rounds < 1) {
          return invalid_options("Cannot parse hash arguments:rounds must be at least 1");
        }
        if (*rounds > k_max_rounds) {
          return invalid_options("rounds=" + value + " is beyond loginref's limit of 100000");
        }
        options.rounds = static_cast<unsigned>(*rounds);
      } else if (name == "truncate") {
        const std::optional<std::uint64_t> bits = parse_unsigned(value);
        if (!bits || *bits > std::numeric_limits<unsigned>::max()) {
          return invalid_options("Cannot parse hash arguments:'" + value +
                                 "' is not number for truncbits");
        }
        options.truncate_bits =
            static_cast<unsigned>(std::min<std::uint64_t>(*bits, method.digest_size * 8));
      } else if (name == "salt") {
        return {std::nullopt, value};
      } else if (name == "format") {
        if (value == "hex") {
          options.format = HashOptions::Format::hex;
        } else if (value == "hexuc") {
          options.format = HashOptions::Format::hex_uppercase;
        } else if (value == "base64") {
          options.format = HashOptions::Format::base64;
        } else {
          return invalid_options("Cannot parse hash arguments:'" + value +
                                 "' is not supported format");
        }
      }
    }
    if (comma == std::string_view::npos) {
      return {};
    }
    arguments.remove_prefix(comma + 1);
  }
}

HashResult hash_value(bool pkcs5, const HashMethod& method, const std::string& input,
                      const HashOptions& options) {
  HashResult hash = compute_hash(pkcs5, method, input, options);
  if (hash.error) {
    return hash;
  }
  if (options.truncate_bits > 0) {
    truncate_rshift_bits(hash.value, options.truncate_bits);
  }
  // format=hexuc prints lowercase too: both cases call binary_to_hex.
  hash.value =
      options.format == HashOptions::Format::base64 ? to_base64(hash.value) : to_hex(hash.value);
  return hash;
}

} // namespace loginref
