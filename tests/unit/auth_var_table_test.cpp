// auth_var_table.hpp directly; expand_test.cpp has every name through
// expand().
#include "core/auth_var_table.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace loginref {
namespace {

// An escaper that makes escaped values visible.
const Escaper k_mark = [](std::string_view value) { return "<" + std::string(value) + ">"; };

TEST(AuthVarShort, EscapedOrPlainAsDovecotHasIt) {
  AuthVars vars;
  vars.user = "alice@example.com";
  vars.local_ip = "192.0.2.1";
  EXPECT_EQ(auth_var_short('u', vars, k_mark), std::optional<std::string>("<alice@example.com>"));
  EXPECT_EQ(auth_var_short('l', vars, k_mark), std::optional<std::string>("192.0.2.1"));
  EXPECT_EQ(auth_var_short('a', vars, k_mark), std::optional<std::string>("0"));
}

TEST(AuthVarShort, KeysOutsideTheTableAreNotFound) {
  EXPECT_EQ(auth_var_short('x', AuthVars(), k_mark), std::nullopt);
  EXPECT_EQ(auth_var_short('%', AuthVars(), k_mark), std::nullopt); // the expander's
  EXPECT_EQ(auth_var_short('\0', AuthVars(), k_mark), std::nullopt);
}

TEST(AuthVarLong, NamesAndAliases) {
  AuthVars vars;
  vars.user = "alice@example.com";
  vars.original_user = "Alice@Example.COM";
  EXPECT_EQ(auth_var_long("orig_domain", vars, k_mark),
            std::optional<std::string>("<Example.COM>"));
  EXPECT_EQ(auth_var_long("original_domain", vars, k_mark),
            std::optional<std::string>("<Example.COM>"));
  EXPECT_EQ(auth_var_long("session_pid", vars, k_mark), std::optional<std::string>(""));
}

TEST(AuthVarLong, BuiltinsAndUnknownNamesAreNotInTheTable) {
  EXPECT_EQ(auth_var_long("hostname", AuthVars(), k_mark), std::nullopt);
  EXPECT_EQ(auth_var_long("uid", AuthVars(), k_mark), std::nullopt);
  EXPECT_EQ(auth_var_long("", AuthVars(), k_mark), std::nullopt);
  EXPECT_EQ(auth_var_long("User", AuthVars(), k_mark), std::nullopt);
}

TEST(AuthVarLong, ValuesEndAtNul) {
  AuthVars vars;
  vars.user = std::string("ali\0ce@x", 8);
  EXPECT_EQ(auth_var_long("user", vars, k_mark), std::optional<std::string>("<ali>"));
}

TEST(AuthVarFunc, PassdbAndUserdbFieldsWithDefaults) {
  AuthVars vars;
  vars.passdb_fields["host"] = "10.1.1.1";
  vars.userdb_fields["home"] = "/home/alice";
  EXPECT_EQ(auth_var_func("passdb", "host", vars, k_mark),
            std::optional<std::string>("<10.1.1.1>"));
  EXPECT_EQ(auth_var_func("userdb", "quota:none", vars, k_mark),
            std::optional<std::string>("<none>"));
  EXPECT_EQ(auth_var_func("userdb", "home:x", vars, k_mark),
            std::optional<std::string>("</home/alice>"));
}

TEST(AuthVarFunc, OtherNamesAreNotFunctions) {
  AuthVars vars;
  vars.passdb_fields["host"] = "10.1.1.1";
  EXPECT_EQ(auth_var_func("env", "HOME", vars, k_mark), std::nullopt);
  EXPECT_EQ(auth_var_func("Passdb", "host", vars, k_mark), std::nullopt);
}

} // namespace
} // namespace loginref
