#include "redis/acl_denial.h"

#include "redis/store_library.h"

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
    EXPECT_EQ(describe_command({"FUNCTION", "load", "#!lua name=x"}), "FUNCTION LOAD");
    EXPECT_EQ(describe_command({"FCALL", "f", "2", "stats:g", "offsets:g", "orders:0", "o"}),
              "FCALL with keys stats:g, offsets:g");
    EXPECT_EQ(describe_command({"FCALL", "f", "7", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}),
              "FCALL with keys k1, k2, k3, k4, k5 and 2 more");
    EXPECT_EQ(describe_command({"FCALL", "f", "9", "k1"}), "FCALL with keys k1");
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

TEST(AclDenial, TheStoreLibrarysLinesAreTheOnesRedisCounts) {
    // Redis counts the lines of a library as loaded, its `#!lua name=` line first.
    const auto line = script_line("ERR ... script: f, on @user_function:2.", store_library().code);
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(*line, "line 2: local MAX_AMOUNT, MAX_TOTAL = 1000000000000000, 9007199254740991");
}

}  // namespace
}  // namespace orderflow::redis
