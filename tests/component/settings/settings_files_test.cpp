// `orderflow` started with KAFKA_PROPERTIES_FILE, ORDERFLOW_SECRETS_FILE and SECURE as a user
// would set them: exit codes, the messages, and no secret in the output.
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sys/stat.h>

namespace orderflow::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "0123456789abcdef-the-password";
constexpr const char* kRefused = "hunter2-refused-value";

class OrderflowSettings : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / unique_name("orderflow-settings");
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        const auto path = dir_ / name;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path.string();
    }

    // `orderflow <args>` in the test's directory with only `env` of the variables it reads.
    CommandResult run(const std::string& args, const std::map<std::string, std::string>& env) {
        std::string command = "cd " + shell_quote(dir_.string()) +
                              " && env -u SECURE -u ORDERFLOW_SECRETS_FILE -u ORDERFLOW_ENV_FILE"
                              " -u KAFKA_PROPERTIES_FILE -u KAFKA_EXTRA";
        for (const auto& [key, value] : env) {
            command += " " + key + "=" + shell_quote(value);
        }
        return run_command(command + " " + shell_quote(orderflow_binary()) + " " + args);
    }

    fs::path dir_;
};

constexpr const char* kAdmin = "admin --timeout 1 brokers";

TEST_F(OrderflowSettings, ARefusedSecretValueStopsWithExit2AndIsNeverPrinted) {
    const auto file =
        write("admin.properties", "sasl.username=admin\nsasl.password=" + std::string(kPassword) +
                                      "\nsasl.oauthbearer.method=" + kRefused + "\n");
    const auto result = run(kAdmin, {{"KAFKA_PROPERTIES_FILE", file}});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("KAFKA_PROPERTIES_FILE: " + file + ":3: "), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("refused the value of sasl.oauthbearer.method"), std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find(kRefused), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find(kPassword), std::string::npos) << result.output;
}

TEST_F(OrderflowSettings, TheFlagNamesTheFileToo) {
    const auto file = write("bad.properties", "security.protocol=nonsense\n");
    const auto result = run("admin --kafka-properties-file " + file + " --timeout 1 brokers", {});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(file + ":1: "), std::string::npos) << result.output;
}

TEST_F(OrderflowSettings, AMissingPropertiesFileStopsTheStart) {
    const auto result = run(kAdmin, {{"KAFKA_PROPERTIES_FILE", (dir_ / "none").string()}});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("KAFKA_PROPERTIES_FILE"), std::string::npos) << result.output;
}

TEST_F(OrderflowSettings, AReadablePasswordFileIsRefusedNamingTheMode) {
    const auto file =
        write("open.properties", "sasl.password=" + std::string(kPassword) + "\n", 0644);
    const auto result = run(kAdmin, {{"KAFKA_PROPERTIES_FILE", file}});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("mode 0644"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find(kPassword), std::string::npos) << result.output;
}

TEST_F(OrderflowSettings, SecureWithoutSecretsSaysToRunMakeUp) {
    for (const auto& env : std::vector<std::map<std::string, std::string>>{{{"SECURE", "1"}}, {}}) {
        if (env.empty()) {
            write(".env", "SECURE=1\n", 0644);
        }
        const auto result = run(kAdmin, env);
        EXPECT_EQ(result.exit_code, 2) << result.output;
        EXPECT_NE(result.output.find("SECURE=1 make up"), std::string::npos) << result.output;
    }
}

TEST_F(OrderflowSettings, SecureMustBeZeroOneOrEmpty) {
    const auto result = run(kAdmin, {{"SECURE", "yes"}});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("SECURE: must be 0, 1 or empty"), std::string::npos)
        << result.output;
}

TEST_F(OrderflowSettings, SecureLoadsTheAdminSecretsWhichWinOverDotEnv) {
    // Each file names a different properties file; the one in the error is the one that won.
    const auto from_secrets = write("from-secrets.properties", "linger.ms=nope\n");
    const auto from_dotenv = write("from-dotenv.properties", "linger.ms=nope\n");
    write(".run/secrets/admin.env", "KAFKA_PROPERTIES_FILE=" + from_secrets + "\n");
    write(".env", "SECURE=1\nKAFKA_PROPERTIES_FILE=" + from_dotenv + "\n", 0644);
    auto result = run(kAdmin, {});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(from_secrets + ":1"), std::string::npos) << result.output;

    const auto from_environment = write("from-environment.properties", "linger.ms=nope\n");
    result = run(kAdmin, {{"KAFKA_PROPERTIES_FILE", from_environment}});
    EXPECT_NE(result.output.find(from_environment + ":1"), std::string::npos) << result.output;
}

TEST_F(OrderflowSettings, AReadableSecretsFileIsRefused) {
    const auto secrets = write("producer.env", "KAFKA_EXTRA=\n", 0640);
    const auto result = run(kAdmin, {{"ORDERFLOW_SECRETS_FILE", secrets}});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("ORDERFLOW_SECRETS_FILE: '" + secrets + "'"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("mode 0640"), std::string::npos) << result.output;
}

TEST_F(OrderflowSettings, HelpShowsBothSettingsEvenWhenSecureCannotStart) {
    auto result = run("--help", {{"SECURE", "1"}});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("ORDERFLOW_SECRETS_FILE"), std::string::npos) << result.output;
    result = run("admin --help", {{"SECURE", "1"}});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("KAFKA_PROPERTIES_FILE"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace orderflow::test
