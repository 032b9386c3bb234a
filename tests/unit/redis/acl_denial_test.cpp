#include "redis/acl_denial.h"

#include "redis/write_script.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

TEST(AclDenial, TellsRefusalsFromOtherErrors) {
    EXPECT_TRUE(is_acl_denial("NOPERM this user has no permissions to run the 'flushall' command"));
    EXPECT_TRUE(is_acl_denial("NOAUTH Authentication required."));
    EXPECT_TRUE(is_acl_denial("WRONGPASS invalid username-password pair or user is disabled."));
    EXPECT_TRUE(is_acl_denial(
        "ERR The user executing the script can't run this command or subcommand script: "
        "37df4d, on @user_script:1."));
    EXPECT_TRUE(is_acl_denial("NOPERM the order script may not run ZADD on customer:g:c:orders"));
    EXPECT_FALSE(is_acl_denial("NOSCRIPT No matching script. Please use EVAL."));
    EXPECT_FALSE(is_acl_denial("store-refused: stats:g or offsets:g is not a hash"));
    EXPECT_FALSE(
        is_acl_denial("WRONGTYPE Operation against a key holding the wrong kind of value"));
    EXPECT_FALSE(is_acl_denial("ERR user_script:3: Script attempted to access nonexistent global"));
}

TEST(AclDenial, DescribesACommandByItsKeysNeverItsValues) {
    EXPECT_EQ(describe_command({"EVALSHA", "abc", "2", "stats:g", "offsets:g", "order", "secret"}),
              "EVALSHA with keys stats:g, offsets:g");
    EXPECT_EQ(describe_command({"evalsha", "abc", "9", "stats:g"}), "EVALSHA with keys stats:g");
    EXPECT_EQ(describe_command({"SCRIPT", "load", "return 1"}), "SCRIPT LOAD");
    EXPECT_EQ(describe_command({"SET", "watch:g:t", "value", "PX", "1"}), "SET watch:g:t");
    EXPECT_EQ(describe_command({"AUTH", "user", "password"}), "AUTH");
    EXPECT_EQ(describe_command({"HELLO", "3", "AUTH", "user", "password"}), "HELLO");
    EXPECT_EQ(describe_command({"FLUSHALL"}), "FLUSHALL");
    EXPECT_EQ(describe_command({}), "");
    const auto long_key = std::string(500, 'k');
    EXPECT_EQ(describe_command({"GET", long_key}), "GET " + std::string(200, 'k') + "...");
}

TEST(AclDenial, NamesTheScriptLineAnErrorPointsAt) {
    const std::string_view source = "\nlocal a = 1\n  redis.call('ZADD', k, 1, m)\nreturn a\n";
    EXPECT_EQ(script_line("ERR ... script: 1f2e, on @user_script:3.", source),
              "line 3: redis.call('ZADD', k, 1, m)");
    EXPECT_EQ(script_line("ERR ... on @user_script:9.", source), std::nullopt);
    EXPECT_EQ(script_line("ERR ... on @user_script:0.", source), std::nullopt);
    EXPECT_EQ(script_line("NOPERM no line", source), std::nullopt);
}

TEST(AclDenial, TheWriteScriptsLinesAreTheOnesRedisCounts) {
    // Redis counts the lines of the source as sent by SCRIPT LOAD, the leading newline first.
    const auto line = script_line("on @user_script:2.", write_script());
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(*line, "line 2: local stats, offsets = KEYS[1], KEYS[2]");
}

}  // namespace
}  // namespace orderflow::redis
