// The settings files read before the command line: `.env`, the secrets env file and SECURE,
// and their precedence (environment > secrets file > .env).
#include "common/settings_files.h"

#include "common/config_error.h"
#include "common/private_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace orderflow::common {
namespace {

namespace fs = std::filesystem;

// Each test runs in a fresh directory (the default secrets file is relative to it) with none
// of the variables these tests look at set.
class SettingsFiles : public ::testing::Test {
protected:
    void SetUp() override {
        previous_ = fs::current_path();
        dir_ = fs::temp_directory_path() /
               ("orderflow-settings-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::current_path(dir_);
        for (const char* name :
             {"SECURE", "ORDERFLOW_SECRETS_FILE", "OF_TEST_A", "OF_TEST_B", "OF_TEST_C"}) {
            ::unsetenv(name);
        }
    }
    void TearDown() override {
        fs::current_path(previous_);
        fs::remove_all(dir_);
    }

    static std::string write(const std::string& path, const std::string& text, mode_t mode) {
        fs::create_directories(fs::path(path).parent_path().empty() ? "."
                                                                    : fs::path(path).parent_path());
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }

    // The ConfigError load_settings_files throws, naming `setting`; "" when it throws none.
    static std::string load_error(const std::string& setting,
                                  const std::string& secrets_flag = "") {
        try {
            load_settings_files(".env", secrets_flag);
            return "";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.setting(), setting) << e.what();
            return e.what();
        }
    }

    fs::path previous_;
    fs::path dir_;
};

TEST_F(SettingsFiles, EnvironmentWinsOverSecretsFileWhichWinsOverDotEnv) {
    write(".env", "OF_TEST_A=dotenv\nOF_TEST_B=dotenv\nOF_TEST_C=dotenv\n", 0644);
    write("mine.env", "OF_TEST_A=secrets\nOF_TEST_B=secrets\n", 0600);
    ::setenv("OF_TEST_A", "environment", 1);
    ::setenv("ORDERFLOW_SECRETS_FILE", "mine.env", 1);
    const auto loaded = load_settings_files(".env", "");
    EXPECT_STREQ(std::getenv("OF_TEST_A"), "environment");
    EXPECT_STREQ(std::getenv("OF_TEST_B"), "secrets");
    EXPECT_STREQ(std::getenv("OF_TEST_C"), "dotenv");
    EXPECT_EQ(loaded.secrets_file, "mine.env");
    EXPECT_EQ(loaded.from_secrets_file, 1);
    EXPECT_EQ(loaded.from_env_file, 1);
}

TEST_F(SettingsFiles, NoSecureNoFileReadsOnlyDotEnv) {
    write(".env", "OF_TEST_A=dotenv\n", 0644);
    const auto loaded = load_settings_files(".env", "");
    EXPECT_EQ(loaded.secrets_file, "");
    EXPECT_STREQ(std::getenv("OF_TEST_A"), "dotenv");
}

TEST_F(SettingsFiles, AMissingDotEnvIsFine) {
    EXPECT_EQ(load_settings_files("/nonexistent/orderflow/.env", "").from_env_file, 0);
}

TEST_F(SettingsFiles, SecureInDotEnvLoadsTheAdminFileByDefault) {
    write(".env", "SECURE=1\nOF_TEST_A=dotenv\n", 0644);
    write(std::string(kDefaultSecretsFile), "OF_TEST_A=admin\n", 0600);
    EXPECT_EQ(load_settings_files(".env", "").secrets_file, kDefaultSecretsFile);
    EXPECT_STREQ(std::getenv("OF_TEST_A"), "admin");
}

TEST_F(SettingsFiles, SecureWithoutTheFileSaysToRunMakeUp) {
    ::setenv("SECURE", "1", 1);
    const auto message = load_error("ORDERFLOW_SECRETS_FILE");
    EXPECT_NE(message.find("SECURE=1 make up"), std::string::npos) << message;
    EXPECT_NE(message.find(kDefaultSecretsFile), std::string::npos) << message;
}

TEST_F(SettingsFiles, SecureZeroOrEmptyLoadsNothing) {
    for (const char* value : {"0", ""}) {
        ::setenv("SECURE", value, 1);
        EXPECT_EQ(load_settings_files(".env", "").secrets_file, "") << value;
    }
}

TEST_F(SettingsFiles, SecureOtherThanZeroOrOneIsRefused) {
    for (const char* value : {"yes", "true", "2", " 1"}) {
        ::setenv("SECURE", value, 1);
        EXPECT_NE(load_error("SECURE").find("must be 0, 1 or empty"), std::string::npos) << value;
    }
    ::unsetenv("SECURE");
    write(".env", "SECURE=on\n", 0644);
    EXPECT_NE(load_error("SECURE"), "");
}

TEST_F(SettingsFiles, TheFlagWinsOverTheVariable) {
    write("flag.env", "OF_TEST_A=flag\n", 0600);
    write("variable.env", "OF_TEST_A=variable\n", 0600);
    ::setenv("ORDERFLOW_SECRETS_FILE", "variable.env", 1);
    EXPECT_EQ(load_settings_files(".env", "flag.env").secrets_file, "flag.env");
    EXPECT_STREQ(std::getenv("OF_TEST_A"), "flag");
}

TEST_F(SettingsFiles, ANamedMissingFileIsAnError) {
    ::setenv("ORDERFLOW_SECRETS_FILE", "nowhere.env", 1);
    EXPECT_NE(load_error("ORDERFLOW_SECRETS_FILE").find("nowhere.env"), std::string::npos);
}

TEST_F(SettingsFiles, ASecretsFileOthersCanReadIsRefusedNamingTheMode) {
    for (const mode_t mode : {0640, 0604, 0620, 0602}) {
        write("open.env", "OF_TEST_A=password\n", mode);
        const auto message = load_error("ORDERFLOW_SECRETS_FILE", "open.env");
        EXPECT_NE(message.find(octal_mode(mode)), std::string::npos) << message;
        EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
        EXPECT_EQ(std::getenv("OF_TEST_A"), nullptr);
    }
}

TEST_F(SettingsFiles, AMalformedSecretsFileNamesTheLineNotItsText) {
    write("bad.env", "OF_TEST_A=x\nhunter2-pasted-alone\n", 0600);
    const auto message = load_error("bad.env:2", "bad.env");
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST_F(SettingsFiles, AnOversizedFileIsRefused) {
    write("big.env", std::string(kMaxSettingsFileBytes + 1, '#'), 0600);
    EXPECT_NE(load_error("ORDERFLOW_SECRETS_FILE", "big.env").find("larger than"),
              std::string::npos);
}

TEST_F(SettingsFiles, ADirectoryIsNotASecretsFile) {
    fs::create_directories("dir.env");
    EXPECT_NE(load_error("ORDERFLOW_SECRETS_FILE", "dir.env").find("not a regular file"),
              std::string::npos);
}

TEST(PrivateFile, ModesAreShownAsChmodTakesThem) {
    EXPECT_EQ(octal_mode(0600), "0600");
    EXPECT_EQ(octal_mode(0644), "0644");
    EXPECT_EQ(octal_mode(0100640), "0640");
}

}  // namespace
}  // namespace orderflow::common
