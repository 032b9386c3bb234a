#include "common/env_file.h"

#include "common/config_error.h"

#include <gtest/gtest.h>

namespace orderflow::common {
namespace {

TEST(EnvFile, ParsesAssignmentsCommentsAndQuotes) {
    const auto entries = parse_env_file(
        "# a comment\n"
        "\n"
        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092\n"
        "export AUTO_COMMIT=false\n"
        "  PRODUCE_INTERVAL = 5s  # trailing comment\n"
        "NAME=\"with # hash\"\n"
        "SINGLE='x y'\n"
        "EMPTY=\n",
        ".env");
    ASSERT_EQ(entries.size(), 6u);
    EXPECT_EQ(entries[0],
              (std::pair<std::string, std::string>{"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"}));
    EXPECT_EQ(entries[1].first, "AUTO_COMMIT");
    EXPECT_EQ(entries[1].second, "false");
    EXPECT_EQ(entries[2].second, "5s");
    EXPECT_EQ(entries[3].second, "with # hash");
    EXPECT_EQ(entries[4].second, "x y");
    EXPECT_EQ(entries[5].second, "");
}

TEST(EnvFile, RejectsLineWithoutAssignmentNamingTheLine) {
    try {
        parse_env_file("A=1\nthis is wrong\n", "my.env");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.setting(), "my.env:2");
        EXPECT_NE(std::string(e.what()).find("expected KEY=value"), std::string::npos);
    }
}

TEST(EnvFile, RejectsBadKeyAndUnterminatedQuote) {
    EXPECT_THROW(parse_env_file("1ABC=x\n", ".env"), ConfigError);
    EXPECT_THROW(parse_env_file("A-B=x\n", ".env"), ConfigError);
    EXPECT_THROW(parse_env_file("A=\"open\n", ".env"), ConfigError);
}

TEST(EnvFile, AMalformedLineIsNotShown) {
    // In a secrets file the line may be a password pasted on its own.
    try {
        parse_env_file("A=1\nhunter2-the-password\n", "secrets.env");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace orderflow::common
