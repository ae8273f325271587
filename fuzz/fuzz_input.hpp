// Splits a fuzzer's input into newline-separated fields, so that seed
// inputs stay readable text files (fuzz/corpus/<target>/*) and libFuzzer's
// mutations still reach every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loginref::fuzz {

class FieldReader {
public:
  FieldReader(const std::uint8_t* data, std::size_t size)
      : m_rest(reinterpret_cast<const char*>(data), size) {}

  // The next field, up to (without) the next '\n'; "" once the input is used up.
  std::string next() {
    const std::size_t end = m_rest.find('\n');
    const std::string field(m_rest.substr(0, end));
    m_rest = end == std::string_view::npos ? std::string_view() : m_rest.substr(end + 1);
    return field;
  }

  // The next field as a number (decimal digits only, saturating); 0 when it has none.
  unsigned long long number() {
    unsigned long long value = 0;
    for (const char c : next()) {
      if (c < '0' || c > '9') {
        break;
      }
      value = value > 1'000'000'000'000ULL ? value : value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
  }

  // Everything not read yet.
  std::string_view rest() const { return m_rest; }

private:
  std::string_view m_rest;
};

} // namespace loginref::fuzz
