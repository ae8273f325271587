// A Driver with canned results that records the queries it was sent
// (Dovecot's own src/lib-sql/driver-test.c does the same for its tests).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/driver/driver.hpp"

namespace loginref::test {

class FakeDriver : public driver::Driver {
public:
  // Every query answers `result`, or throws DriverError(`error`) when set.
  explicit FakeDriver(driver::QueryResult result = {}) : m_result(std::move(result)) {}

  void fail_with(std::string error) { m_error = std::move(error); }

  driver::QueryResult query(const std::string& sql) override;
  // Escapes like the sqlite driver: doubles every '.
  std::string escape(std::string_view value) const override;
  driver::DriverKind kind() const override { return driver::DriverKind::sqlite; }

  const std::vector<std::string>& queries() const { return m_queries; }

private:
  driver::QueryResult m_result;
  std::optional<std::string> m_error;
  std::vector<std::string> m_queries;
};

} // namespace loginref::test
