// The credentials file behind REGISTRY_AUTH_FILE: its format, its permissions, and the pieces
// authentication is made of (base64, the comparison).
#include "common/config_error.h"
#include "registry/basic_auth.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace orderflow::registry {
namespace {

constexpr const char* kSetting = "REGISTRY_AUTH_FILE";

std::string header(const std::string& user, const std::string& password) {
    return httplib::make_basic_authentication_header(user, password).second;
}

// The ConfigError message `make` throws (it must name the setting), "" when it throws none.
template <typename Make>
std::string config_error(Make make) {
    try {
        make();
        return "";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), kSetting);
        return e.what();
    }
}

std::string parse_error(const std::string& text) {
    return config_error([&] { BasicAuth::parse(kSetting, text); });
}

std::string load_error(const std::string& path) {
    return config_error([&] { BasicAuth::load(kSetting, path); });
}

std::filesystem::path write_file(const std::string& text, mode_t mode) {
    const auto path =
        std::filesystem::temp_directory_path() / ("orderflow-auth-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(mode) + ".properties");
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
}

TEST(AuthFile, ParsesUsersRolesCommentsAndBlankLines) {
    const auto auth = BasicAuth::parse(kSetting,
                                       "# comment\n! also a comment\n\n"
                                       "  alice :  pa:ss word ,writer\r\n"
                                       "bob: b,reader,admin\n");
    EXPECT_EQ(auth.users(), 2u);
    EXPECT_EQ(auth.authenticate(header("alice", "pa:ss word")), Role::writer);
    EXPECT_EQ(auth.authenticate(header("bob", "b")), Role::reader);
    EXPECT_EQ(auth.authenticate(header("bob", "B")), std::nullopt);
    EXPECT_EQ(auth.authenticate(""), std::nullopt);
    EXPECT_EQ(auth.authenticate("Basic "), std::nullopt);
    EXPECT_EQ(auth.authenticate("Basic Ym9i"), std::nullopt);  // "bob": no colon
}

TEST(AuthFile, MalformedLinesNameTheLineNeverThePassword) {
    EXPECT_NE(parse_error("alice: hunter2\n").find("line 1"), std::string::npos);
    EXPECT_NE(parse_error("# c\nalice hunter2,writer\n").find("line 2"), std::string::npos);
    EXPECT_NE(parse_error("alice: ,writer\n").find("must not be empty"), std::string::npos);
    EXPECT_NE(parse_error("alice: hunter2,admin\n").find("reader or writer"), std::string::npos);
    EXPECT_NE(parse_error("a: x,reader\na: y,writer\n").find("listed twice"), std::string::npos);
    EXPECT_NE(parse_error("# nobody\n").find("no user"), std::string::npos);
    for (const char* text : {"alice: hunter2\n", "alice: hunter2,admin\n"}) {
        EXPECT_EQ(parse_error(text).find("hunter2"), std::string::npos) << parse_error(text);
    }
}

TEST(AuthFile, GroupOrWorldAccessIsRefusedNamingTheSetting) {
    const std::string users = "alice: hunter2,writer\n";
    for (const mode_t mode : {0640, 0604, 0660, 0620}) {
        const auto path = write_file(users, mode);
        const auto error = load_error(path);
        EXPECT_NE(error.find("REGISTRY_AUTH_FILE"), std::string::npos) << mode;
        EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
        std::filesystem::remove(path);
    }
    const auto path = write_file(users, 0600);
    EXPECT_EQ(load_error(path), "");
    std::filesystem::remove(path);
    EXPECT_NE(load_error("/nonexistent/users").find("no such file"), std::string::npos);
}

TEST(AuthFile, Base64DecodesPaddedTextOnly) {
    EXPECT_EQ(decode_base64("YWxpY2U6eA=="), "alice:x");
    EXPECT_EQ(decode_base64("YTpi"), "a:b");
    EXPECT_EQ(decode_base64("YTpiYw=="), "a:bc");
    EXPECT_EQ(decode_base64(""), "");
    EXPECT_EQ(decode_base64("YTpi="), std::nullopt);
    EXPECT_EQ(decode_base64("YT=i"), std::nullopt);
    EXPECT_EQ(decode_base64("Y!pi"), std::nullopt);
    EXPECT_EQ(decode_base64("===="), std::nullopt);
}

TEST(AuthFile, ConstantTimeEqualsComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equals("secret", "secret"));
    EXPECT_FALSE(constant_time_equals("secreT", "secret"));
    EXPECT_FALSE(constant_time_equals("secret-longer", "secret"));
    EXPECT_FALSE(constant_time_equals("secretsecret", "secret"));  // wraps around, still differs
    EXPECT_FALSE(constant_time_equals("sec", "secret"));
    EXPECT_FALSE(constant_time_equals("", "secret"));
    EXPECT_FALSE(constant_time_equals("x", ""));
}

}  // namespace
}  // namespace orderflow::registry
