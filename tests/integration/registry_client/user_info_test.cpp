// SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO through a real `orderflow produce`: credentials in
// SCHEMA_REGISTRY_URL are refused at start without echoing them, a malformed user info is named,
// and a registry with basic auth answers a producer without user info with a clear 401.
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace orderflow::registry_client {
namespace {

std::map<std::string, std::string> produce_env(const std::string& url) {
    return {{"SCHEMA_REGISTRY_URL", url},
            {"KAFKA_BOOTSTRAP_SERVERS", test::shared_stack().bootstrap_servers},
            {"ORDERS_TOPIC", test::unique_name("orders")},
            {"ORDERFLOW_ENV_FILE", "/nonexistent"}};
}

TEST(RegistryUserInfo, CredentialsInTheUrlAreRefusedWithoutEchoingThem) {
    const auto result =
        test::run_orderflow("produce --count 1", produce_env("http://alice:hunter2@127.0.0.1:1"));
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("SCHEMA_REGISTRY_URL"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"), std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find("hunter2"), std::string::npos) << result.output;
}

TEST(RegistryUserInfo, UserInfoWithoutAColonIsNamed) {
    auto env = produce_env("http://127.0.0.1:1");
    env["SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"] = "hunter2";
    const auto result = test::run_orderflow("produce --count 1", env);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: expected user:password"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find("hunter2"), std::string::npos) << result.output;
}

TEST(RegistryUserInfo, ProducerWithoutUserInfoGetsAClear401AndWithItRegisters) {
    const auto users =
        std::filesystem::temp_directory_path() / (test::unique_name("registry-users") + ".txt");
    std::ofstream(users) << "alice: alice-secret,writer\n";
    ::chmod(users.c_str(), 0600);
    const auto port = test::free_port();
    test::ChildProcess registry(
        {test::orderflow_binary(), "registry"},
        {{"KAFKA_BOOTSTRAP_SERVERS", test::shared_stack().bootstrap_servers},
         {"REGISTRY_LISTEN", "127.0.0.1:" + std::to_string(port)},
         {"REGISTRY_TOPIC", test::unique_name("_schemas")},
         {"REGISTRY_GROUP", test::unique_name("registry")},
         {"REGISTRY_AUTH_FILE", users.string()},
         {"ORDERFLOW_ENV_FILE", "/nonexistent"}},
        (std::filesystem::temp_directory_path() / (test::unique_name("registry-auth") + ".log"))
            .string());
    const auto url = "http://127.0.0.1:" + std::to_string(port);
    ASSERT_TRUE(test::wait_until(
        [&] { return test::run_command("curl -fs " + url + "/ready >/dev/null").exit_code == 0; },
        std::chrono::seconds(90), std::chrono::milliseconds(300)))
        << registry.output();
    auto env = produce_env(url);
    const auto anonymous = test::run_orderflow("produce --count 1", env);
    EXPECT_EQ(anonymous.exit_code, 2) << anonymous.output;
    EXPECT_NE(anonymous.output.find("HTTP 401 (40101)"), std::string::npos) << anonymous.output;
    EXPECT_NE(anonymous.output.find("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"), std::string::npos)
        << anonymous.output;
    env["SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"] = "alice:alice-secret";
    const auto writer = test::run_orderflow("produce --count 1", env);
    EXPECT_EQ(writer.exit_code, 0) << writer.output;
    EXPECT_NE(writer.output.find("order schema registered"), std::string::npos) << writer.output;
    EXPECT_EQ(registry.output().find("alice-secret"), std::string::npos);
    std::filesystem::remove(users);
}

}  // namespace
}  // namespace orderflow::registry_client
