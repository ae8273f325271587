#include "core/junit.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace loginref {
namespace {

TEST(Junit, EscapesMarkupForContentAndAttributes) {
  EXPECT_EQ(xml_escape("a<b> & \"c\"", false), "a&lt;b&gt; &amp; \"c\"");
  EXPECT_EQ(xml_escape("a<b> & \"c\"", true), "a&lt;b&gt; &amp; &quot;c&quot;");
  EXPECT_EQ(xml_escape("one\ntwo\tthree", false), "one\ntwo\tthree");
  EXPECT_EQ(xml_escape("one\ntwo\tthree", true), "one&#10;two&#9;three");
  EXPECT_EQ(xml_escape("cr\r", false), "cr&#13;");
}

TEST(Junit, ControlCharactersAndBadUtf8CannotBreakTheDocument) {
  EXPECT_EQ(xml_escape(std::string("a\x01"
                                   "b\x7f",
                                   4),
                       false),
            "a\\x01b\\x7f");
  EXPECT_EQ(xml_escape(std::string("nul\0", 4), true), "nul\\x00");
  EXPECT_EQ(xml_escape("caf\xc3\xa9", false), "caf\xc3\xa9"); // UTF-8 kept
  EXPECT_EQ(xml_escape("caf\xe9", false), "caf\xEF\xBF\xBD"); // Latin-1 byte
  EXPECT_EQ(xml_escape("\xed\xa0\x80", false), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
  EXPECT_EQ(xml_escape("\xc0\xaf", false), "\xEF\xBF\xBD\xEF\xBF\xBD"); // overlong '/'
}

TEST(Junit, WritesOneTestcasePerCaseAndFailures) {
  JunitSuite suite;
  suite.name = "loginref check plan";
  suite.cases.push_back({"alice", "plan", "plan.yaml", 3, 0.0125, std::nullopt});
  suite.cases.push_back(
      {"bob <b>", "plan", "", 0, 0.5,
       JunitFailure{"decision: expected local, got reject", "mismatch", "line 1\nline <2>"}});
  std::ostringstream out;
  write_junit(out, suite);
  EXPECT_EQ(out.str(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"loginref check plan\" tests=\"2\" failures=\"1\" errors=\"0\" "
            "time=\"0.512\">\n"
            "  <testsuite name=\"loginref check plan\" tests=\"2\" failures=\"1\" errors=\"0\" "
            "skipped=\"0\" time=\"0.512\">\n"
            "    <testcase name=\"alice\" classname=\"plan\" file=\"plan.yaml\" line=\"3\" "
            "time=\"0.013\"/>\n"
            "    <testcase name=\"bob &lt;b&gt;\" classname=\"plan\" time=\"0.500\">\n"
            "      <failure message=\"decision: expected local, got reject\" type=\"mismatch\">"
            "line 1\nline &lt;2&gt;</failure>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

} // namespace
} // namespace loginref
