#include "core/junit.hpp"

#include <cstdio>

namespace loginref {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the valid UTF-8 sequence at text[i] that XML 1.0 allows,
// or 0 (overlong forms, surrogates, beyond U+10FFFF, U+FFFE and U+FFFF).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  unsigned long code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (next & 0x3F);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  if (overlong || surrogate || code > 0x10FFFF || code == 0xFFFE || code == 0xFFFF) {
    return 0;
  }
  return length;
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", seconds < 0 ? 0.0 : seconds);
  return buffer;
}

std::string attribute(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value, true) + "\"";
}

} // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char ch = text[i];
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const std::size_t length = utf8_length(text, i);
      if (length == 0) {
        out += k_replacement;
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    ++i;
    if (ch == '&') {
      out += "&amp;";
    } else if (ch == '<') {
      out += "&lt;";
    } else if (ch == '>') {
      out += "&gt;";
    } else if (ch == '"' && attribute) {
      out += "&quot;";
    } else if (ch == '\n' && attribute) {
      out += "&#10;"; // a literal newline in an attribute would be read as a space
    } else if (ch == '\r') {
      out += "&#13;"; // XML parsers turn a literal CR into LF
    } else if (ch == '\t' && attribute) {
      out += "&#9;";
    } else if ((c < 0x20 && ch != '\n' && ch != '\t') || c == 0x7f) {
      // XML 1.0 has no way to carry these, not even as &#1;.
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out;
}

void write_junit(std::ostream& out, const JunitSuite& suite) {
  std::size_t failures = 0;
  double seconds = 0;
  for (const JunitCase& test : suite.cases) {
    failures += test.failure ? 1 : 0;
    seconds += test.seconds;
  }
  const std::string counts = attribute("tests", std::to_string(suite.cases.size())) +
                             attribute("failures", std::to_string(failures)) +
                             attribute("errors", "0");
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << attribute("name", suite.name) << counts
      << attribute("time", seconds_text(seconds)) << ">\n";
  out << "  <testsuite" << attribute("name", suite.name) << counts << attribute("skipped", "0")
      << attribute("time", seconds_text(seconds)) << ">\n";
  for (const JunitCase& test : suite.cases) {
    out << "    <testcase" << attribute("name", test.name)
        << attribute("classname", test.classname);
    if (!test.file.empty()) {
      out << attribute("file", test.file) << attribute("line", std::to_string(test.line));
    }
    out << attribute("time", seconds_text(test.seconds));
    if (!test.failure) {
      out << "/>\n";
      continue;
    }
    const JunitFailure& failure = *test.failure;
    out << ">\n      <failure" << attribute("message", failure.message)
        << attribute("type", failure.type) << ">" << xml_escape(failure.text, false)
        << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

} // namespace loginref
