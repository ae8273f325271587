// A JUnit XML writer, for the test reports GitLab (artifacts:reports:junit)
// and Jenkins (the junit step) read: <testsuites> holding one <testsuite>,
// one <testcase> per test, a <failure> in each failed one.
//
// Everything written is escaped for XML 1.0: markup characters become
// entities; control characters that XML 1.0 cannot carry at all become the
// text "\xNN"; bytes that are not UTF-8 become U+FFFD. Newlines in
// attributes are kept as character references, so a failure message keeps
// its lines.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace loginref {

struct JunitFailure {
  std::string message; // one line, the message attribute CI tools show
  std::string type;    // the type attribute
  std::string text;    // the element's text: details, any number of lines
};

struct JunitCase {
  std::string name;
  std::string classname; // GitLab shows it as the suite, Jenkins as the class
  std::string file;      // "" leaves out the file and line attributes
  int line = 0;
  double seconds = 0;
  std::optional<JunitFailure> failure;
};

struct JunitSuite {
  std::string name;
  std::vector<JunitCase> cases;
};

// Writes `suite` as a complete XML document.
void write_junit(std::ostream& out, const JunitSuite& suite);

// `text` escaped for XML element content, or for a double-quoted attribute
// value when `attribute` (then '"', TAB, CR and LF become references too).
std::string xml_escape(std::string_view text, bool attribute);

} // namespace loginref
