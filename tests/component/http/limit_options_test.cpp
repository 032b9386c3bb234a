// The cap on bodies held across connections as a setting: its default, a value, and a value
// out of range named in the error.
#include "http/limit_options.h"

#include "common/config_error.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orderflow::http {
namespace {

Limits parsed(std::vector<std::string> args) {
    CLI::App app;
    LimitArgs limit_args;
    add_limit_options(app, limit_args, "T_HTTP_");
    args.insert(args.begin(), "test");
    std::vector<const char*> argv;
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    app.parse(static_cast<int>(argv.size()), argv.data());
    return to_limits(limit_args, "T_HTTP_");
}

TEST(LimitOptions, MaxBufferedBytesHasItsDefaultAndTakesAValue) {
    EXPECT_EQ(parsed({}).max_buffered_bytes, 64u * 1024 * 1024);
    EXPECT_EQ(parsed({"--http-max-buffered-bytes", "1048576"}).max_buffered_bytes, 1048576u);
}

TEST(LimitOptions, MaxBufferedBytesBelow64KiBIsRefusedByName) {
    try {
        parsed({"--http-max-buffered-bytes", "1000"});
        FAIL() << "1000 bytes accepted";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), "T_HTTP_MAX_BUFFERED_BYTES");
    }
}

}  // namespace
}  // namespace orderflow::http
