// Digests on libcrypto.so.3, loaded with dlopen() on first use (digest.hpp
// says why). The OpenSSL headers give the types, the prototypes (each
// function pointer below has the type of the function it stands for) and
// MD5_CTX's layout; no OpenSSL symbol is linked.

// CRAM-MD5 needs the internal MD5 state after one block, which only
// OpenSSL's low-level (deprecated) MD5 API exposes.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/digest.hpp"

#include "core/error.hpp"

#include <dlfcn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/provider.h>
#include <sodium.h>

#include <array>
#include <climits>
#include <memory>

namespace loginref {

namespace {

constexpr const char* k_library = "libcrypto.so.3";

// The end of every message about a libcrypto that cannot be used.
std::string install_hint() {
  return "(loginref needs OpenSSL 3 for password hashes and hash variables: install the Debian "
         "package libssl3)";
}

struct MethodInfo {
  const char* openssl_name;
  std::size_t size;
};

constexpr std::array<MethodInfo, 8> k_methods = {{
    {"MD4", 16},
    {"MD5", 16},
    {"SHA1", 20},
    {"SHA256", 32},
    {"SHA384", 48},
    {"SHA512", 64},
    {"SHA3-256", 32},
    {"SHA3-512", 64},
}};

const MethodInfo& info(DigestMethod method) {
  return k_methods.at(static_cast<std::size_t>(method));
}

// Every libcrypto function digest.cpp calls.
struct Functions {
  decltype(&::OPENSSL_init_crypto) OPENSSL_init_crypto = nullptr;
  decltype(&::ERR_clear_error) ERR_clear_error = nullptr;
  decltype(&::OSSL_LIB_CTX_new) OSSL_LIB_CTX_new = nullptr;
  decltype(&::OSSL_LIB_CTX_free) OSSL_LIB_CTX_free = nullptr;
  decltype(&::OSSL_PROVIDER_load) OSSL_PROVIDER_load = nullptr;
  decltype(&::OSSL_PROVIDER_unload) OSSL_PROVIDER_unload = nullptr;
  decltype(&::EVP_MD_fetch) EVP_MD_fetch = nullptr;
  decltype(&::EVP_MD_free) EVP_MD_free = nullptr;
  decltype(&::EVP_MD_CTX_new) EVP_MD_CTX_new = nullptr;
  decltype(&::EVP_MD_CTX_free) EVP_MD_CTX_free = nullptr;
  decltype(&::EVP_DigestInit_ex) EVP_DigestInit_ex = nullptr;
  decltype(&::EVP_DigestUpdate) EVP_DigestUpdate = nullptr;
  decltype(&::EVP_DigestFinal_ex) EVP_DigestFinal_ex = nullptr;
  decltype(&::HMAC) HMAC = nullptr;
  decltype(&::PKCS5_PBKDF2_HMAC) PKCS5_PBKDF2_HMAC = nullptr;
  decltype(&::MD5_Init) MD5_Init = nullptr;
  decltype(&::MD5_Update) MD5_Update = nullptr;
};

template <typename Function> void resolve(void* handle, const char* name, Function& slot) {
  dlerror();
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    const char* reason = dlerror();
    throw ConfigError(std::string(k_library) + " lacks " + name + ": " +
                      (reason != nullptr ? reason : "null symbol") + " " + install_hint());
  }
  slot = reinterpret_cast<Function>(symbol);
}

// libcrypto.so.3, loaded once per process and never dlclose()d: OpenSSL 3
// pins itself in memory anyway (it registers an atexit() cleanup), and the
// pgsql/mysql modules' client libraries may share it.
Functions load_functions() {
  std::unique_ptr<void, int (*)(void*)> handle(dlopen(k_library, RTLD_NOW | RTLD_LOCAL), dlclose);
  if (!handle) {
    const char* reason = dlerror();
    throw ConfigError(std::string("cannot load ") + k_library + ": " +
                      (reason != nullptr ? reason : "unknown error") + " " + install_hint());
  }
  Functions f;
  resolve(handle.get(), "OPENSSL_init_crypto", f.OPENSSL_init_crypto);
  resolve(handle.get(), "ERR_clear_error", f.ERR_clear_error);
  resolve(handle.get(), "OSSL_LIB_CTX_new", f.OSSL_LIB_CTX_new);
  resolve(handle.get(), "OSSL_LIB_CTX_free", f.OSSL_LIB_CTX_free);
  resolve(handle.get(), "OSSL_PROVIDER_load", f.OSSL_PROVIDER_load);
  resolve(handle.get(), "OSSL_PROVIDER_unload", f.OSSL_PROVIDER_unload);
  resolve(handle.get(), "EVP_MD_fetch", f.EVP_MD_fetch);
  resolve(handle.get(), "EVP_MD_free", f.EVP_MD_free);
  resolve(handle.get(), "EVP_MD_CTX_new", f.EVP_MD_CTX_new);
  resolve(handle.get(), "EVP_MD_CTX_free", f.EVP_MD_CTX_free);
  resolve(handle.get(), "EVP_DigestInit_ex", f.EVP_DigestInit_ex);
  resolve(handle.get(), "EVP_DigestUpdate", f.EVP_DigestUpdate);
  resolve(handle.get(), "EVP_DigestFinal_ex", f.EVP_DigestFinal_ex);
  resolve(handle.get(), "HMAC", f.HMAC);
  resolve(handle.get(), "PKCS5_PBKDF2_HMAC", f.PKCS5_PBKDF2_HMAC);
  resolve(handle.get(), "MD5_Init", f.MD5_Init);
  resolve(handle.get(), "MD5_Update", f.MD5_Update);
  handle.release(); // a library that lacks a function is closed again
  return f;
}

// Deleters calling the loaded libcrypto; default-constructible so the
// handles below can start empty.
struct MdFree {
  decltype(&::EVP_MD_free) free = nullptr;
  void operator()(EVP_MD* md) const { free(md); }
};
struct LibCtxFree {
  decltype(&::OSSL_LIB_CTX_free) free = nullptr;
  void operator()(OSSL_LIB_CTX* context) const { free(context); }
};
struct ProviderUnload {
  decltype(&::OSSL_PROVIDER_unload) unload = nullptr;
  void operator()(OSSL_PROVIDER* provider) const { unload(provider); }
};
struct MdCtxFree {
  decltype(&::EVP_MD_CTX_free) free = nullptr;
  void operator()(EVP_MD_CTX* ctx) const { free(ctx); }
};

using Md = std::unique_ptr<EVP_MD, MdFree>;

// The loaded library and the digests fetched from it. Explicitly fetched
// digests are shared by all threads; they also spare OpenSSL 3 the implicit
// fetch (and its lock) that EVP_sha256() and friends cost on every use.
//
// The one instance is a function-local static: C++ guarantees thread-safe
// initialization (audit --jobs), and a failed load throws and is retried by
// the next call. It must be destroyed at exit before OpenSSL's own atexit()
// cleanup (OPENSSL_cleanup frees the providers our digests come from): C++
// runs a static's destructor before the atexit() functions registered while
// it was being built, so the constructor starts by initializing OpenSSL.
class Libcrypto {
public:
  Libcrypto() : fn(load_functions()) {
    if (fn.OPENSSL_init_crypto(0, nullptr) != 1) {
      throw ConfigError(std::string(k_library) + ": OPENSSL_init_crypto failed " + install_hint());
    }
    for (std::size_t i = 1; i < k_methods.size(); ++i) { // MD4 on demand
      m_mds[i] = fetch(nullptr, k_methods[i].openssl_name);
    }
    fn.ERR_clear_error();
  }

  // nullptr when OpenSSL cannot compute `method`.
  const EVP_MD* md(DigestMethod method) const {
    if (method == DigestMethod::md4) {
      return md4();
    }
    return m_mds[static_cast<std::size_t>(method)].get();
  }

  const Functions fn;

private:
  // OpenSSL 3 moved MD4 to the "legacy" provider, which the default
  // configuration does not load. Unless the system's openssl.cnf activates
  // it, it is loaded into a private library context, so the default context
  // (everything else, and libpq/libmariadb) keeps its usual providers.
  struct Md4 {
    std::unique_ptr<OSSL_LIB_CTX, LibCtxFree> context;
    std::unique_ptr<OSSL_PROVIDER, ProviderUnload> provider;
    Md md;
  };

  const EVP_MD* md4() const {
    static const Md4 md4 = [this] {
      Md4 loaded;
      loaded.md = fetch(nullptr, "MD4");
      if (!loaded.md) {
        loaded.context = {fn.OSSL_LIB_CTX_new(), {fn.OSSL_LIB_CTX_free}};
        if (loaded.context) {
          loaded.provider = {fn.OSSL_PROVIDER_load(loaded.context.get(), "legacy"),
                             {fn.OSSL_PROVIDER_unload}};
        }
        if (loaded.provider) {
          loaded.md = fetch(loaded.context.get(), "MD4");
        }
      }
      fn.ERR_clear_error(); // the failed fetches leave errors behind
      return loaded;
    }();
    return md4.md.get();
  }

  Md fetch(OSSL_LIB_CTX* context, const char* name) const {
    return Md(fn.EVP_MD_fetch(context, name, nullptr), MdFree{fn.EVP_MD_free});
  }

  std::array<Md, k_methods.size()> m_mds;
};

const Libcrypto& libcrypto() {
  static const Libcrypto loaded;
  return loaded;
}

const EVP_MD* available_md(const Libcrypto& lib, DigestMethod method) {
  const EVP_MD* md = lib.md(method);
  if (md == nullptr) {
    throw ConfigError(std::string("loginref cannot compute ") + info(method).openssl_name + ": " +
                      (method == DigestMethod::md4 ? "OpenSSL's legacy provider did not load"
                                                   : "OpenSSL does not provide it"));
  }
  return md;
}

[[noreturn]] void fail(const Libcrypto& lib, std::string_view what, DigestMethod method) {
  lib.fn.ERR_clear_error();
  throw ConfigError(std::string(k_library) + ": " + std::string(what) + " failed for " +
                    info(method).openssl_name);
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

} // namespace

std::size_t digest_size(DigestMethod method) { return info(method).size; }

std::string_view digest_name(DigestMethod method) { return info(method).openssl_name; }

bool digest_available(DigestMethod method) { return libcrypto().md(method) != nullptr; }

std::string digest(DigestMethod method, std::initializer_list<std::string_view> parts) {
  const Libcrypto& lib = libcrypto();
  const EVP_MD* md = available_md(lib, method);
  const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(lib.fn.EVP_MD_CTX_new(),
                                                   {lib.fn.EVP_MD_CTX_free});
  if (!ctx || lib.fn.EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    fail(lib, "EVP_DigestInit_ex", method);
  }
  for (std::string_view part : parts) {
    if (lib.fn.EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
      fail(lib, "EVP_DigestUpdate", method);
    }
  }
  std::string out(digest_size(method), '\0');
  if (lib.fn.EVP_DigestFinal_ex(ctx.get(), bytes(out), nullptr) != 1) {
    fail(lib, "EVP_DigestFinal_ex", method);
  }
  return out;
}

std::string hmac(DigestMethod method, std::string_view key, std::string_view data) {
  const Libcrypto& lib = libcrypto();
  const EVP_MD* md = available_md(lib, method);
  if (key.size() > INT_MAX) {
    fail(lib, "HMAC", method);
  }
  std::string out(digest_size(method), '\0');
  if (lib.fn.HMAC(md, key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
                  bytes(out), nullptr) == nullptr) {
    fail(lib, "HMAC", method);
  }
  return out;
}

std::optional<std::string> pbkdf2(DigestMethod method, std::string_view password,
                                  std::string_view salt, unsigned int rounds, std::size_t length) {
  const Libcrypto& lib = libcrypto();
  const EVP_MD* md = available_md(lib, method);
  if (rounds == 0 || rounds > INT_MAX || length > INT_MAX || password.size() > INT_MAX ||
      salt.size() > INT_MAX) {
    return std::nullopt;
  }
  std::string out(length, '\0');
  if (lib.fn.PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt),
                               static_cast<int>(salt.size()), static_cast<int>(rounds), md,
                               static_cast<int>(length), bytes(out)) != 1) {
    lib.fn.ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

std::string md5_state_after_block(std::string_view block) {
  const Libcrypto& lib = libcrypto();
  MD5_CTX ctx;
  lib.fn.MD5_Init(&ctx);
  lib.fn.MD5_Update(&ctx, block.data(), block.size());
  std::string state;
  for (MD5_LONG word : {ctx.A, ctx.B, ctx.C, ctx.D}) {
    for (int shift = 0; shift < 32; shift += 8) {
      state.push_back(static_cast<char>((word >> shift) & 0xff));
    }
  }
  return state;
}

// libsodium's constant-time comparison (libsodium is linked anyway, for
// Argon2), so plaintext checks do not load libcrypto for CRYPTO_memcmp.
bool timing_safe_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace loginref
