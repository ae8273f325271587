#include "support/fake_driver.hpp"

#include "core/error.hpp"

namespace loginref::test {

driver::QueryResult FakeDriver::query(const std::string& sql) {
  m_queries.push_back(sql);
  if (m_error) {
    throw DriverError(*m_error);
  }
  return m_result;
}

std::string FakeDriver::escape(std::string_view value) const {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out;
}

} // namespace loginref::test
