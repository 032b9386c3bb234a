#include "redis_cluster/redirect.h"

#include <gtest/gtest.h>

namespace orderflow::redis_cluster {
namespace {

TEST(ParseRedirect, ReadsMovedAndAsk) {
    struct Case {
        const char* text;
        Redirect::Kind kind;
        std::uint16_t slot;
        const char* host;
        std::uint16_t port;
    };
    for (const auto& c :
         {Case{"MOVED 3999 127.0.0.1:6381", Redirect::Kind::moved, 3999, "127.0.0.1", 6381},
          Case{"ASK 16383 ::1:7002", Redirect::Kind::ask, 16383, "::1", 7002}}) {
        const auto redirect = parse_redirect(c.text);
        ASSERT_TRUE(redirect) << c.text;
        EXPECT_EQ(redirect->kind, c.kind);
        EXPECT_EQ(redirect->slot, c.slot);
        EXPECT_EQ(redirect->host, c.host);
        EXPECT_EQ(redirect->port, c.port);
    }
}

TEST(ParseRedirect, KeepsAnEmptyHostForTheCallerToFill) {
    const auto moved = parse_redirect("MOVED 1 :7003");
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->host, "");
    EXPECT_EQ(moved->port, 7003);
}

TEST(ParseRedirect, IgnoresOtherErrorsAndMalformedRedirects) {
    for (const char* text :
         {"ERR unknown command", "CROSSSLOT Keys in request don't hash to the same slot", "MOVED",
          "MOVED 3999", "MOVED 16384 127.0.0.1:7001", "MOVED -1 127.0.0.1:7001",
          "MOVED 1 127.0.0.1", "MOVED 1 127.0.0.1:0", "MOVED 1 127.0.0.1:65536",
          "MOVED 1 127.0.0.1:70x", "ASK x 127.0.0.1:7001", "moved 1 127.0.0.1:7001",
          "MOVED 1 bad host:7001"}) {
        EXPECT_FALSE(parse_redirect(text)) << text;
    }
}

}  // namespace
}  // namespace orderflow::redis_cluster
