#include "console/same_origin.h"

#include "common/config_error.h"
#include "console/access_guard.h"

#include <gtest/gtest.h>

namespace orderflow::console {
namespace {

http::Request request_of(std::string method, std::vector<http::Header> headers) {
    http::Request request;
    request.method = std::move(method);
    request.target = "/api/dlq/redrive";
    request.headers = std::move(headers);
    return request;
}

TEST(SameOrigin, LoopbackListenerAnswersToItsOwnNamesAndTheAllowList) {
    const SameOrigin policy({"127.0.0.1", 8080}, {"console.example", "ops.example:9000"});
    EXPECT_TRUE(policy.host_allowed("127.0.0.1:8080"));
    EXPECT_TRUE(policy.host_allowed("LOCALHOST:8080"));
    EXPECT_TRUE(policy.host_allowed("[::1]:8080"));
    EXPECT_TRUE(policy.host_allowed("console.example"));
    EXPECT_TRUE(policy.host_allowed("console.example:1234"));
    EXPECT_TRUE(policy.host_allowed("ops.example:9000"));
    EXPECT_FALSE(policy.host_allowed("ops.example:9001"));
    EXPECT_FALSE(policy.host_allowed("ops.example")) << "port 80, not 9000";
    EXPECT_FALSE(policy.host_allowed("127.0.0.1:8081"));
    EXPECT_FALSE(policy.host_allowed("127.0.0.1")) << "port 80";
    EXPECT_FALSE(policy.host_allowed("attacker.example:8080")) << "DNS rebinding";
    EXPECT_FALSE(policy.host_allowed("127.0.0.1:8080@evil"));
    EXPECT_FALSE(policy.host_allowed(""));

    EXPECT_TRUE(policy.origin_allowed("http://127.0.0.1:8080"));
    EXPECT_TRUE(policy.origin_allowed("https://console.example"));
    EXPECT_FALSE(policy.origin_allowed("http://127.0.0.1:3000")) << "another loopback port";
    EXPECT_FALSE(policy.origin_allowed("null"));
    EXPECT_FALSE(policy.origin_allowed("http://127.0.0.1:8080/path"));
    EXPECT_FALSE(policy.origin_allowed("ftp://127.0.0.1:8080"));
}

TEST(SameOrigin, AnAddressOtherThanLoopbackIsNotReachedByLoopbackNames) {
    const SameOrigin policy({"10.0.0.5", 8080}, {});
    EXPECT_TRUE(policy.host_allowed("10.0.0.5:8080"));
    EXPECT_FALSE(policy.host_allowed("localhost:8080"));
}

TEST(SameOrigin, ReadsNeedAHostActionsAlsoJsonAndTheirOwnOrigin) {
    const SameOrigin policy({"127.0.0.1", 8080}, {});
    const http::Header host{"Host", "127.0.0.1:8080"};
    const http::Header json{"Content-Type", "application/json; charset=utf-8"};
    EXPECT_EQ(refuse(policy, request_of("GET", {}))->status, 400);
    EXPECT_EQ(refuse(policy, request_of("GET", {{"Host", "evil.example:8080"}}))->status, 421);
    EXPECT_FALSE(refuse(policy, request_of("GET", {host})));
    EXPECT_FALSE(refuse(policy, request_of("GET", {host, {"Origin", "http://evil.example"}})))
        << "reads are guarded by Host and the token";

    EXPECT_FALSE(refuse(policy, request_of("POST", {host, json})));
    EXPECT_FALSE(
        refuse(policy, request_of("POST", {host, json, {"Origin", "http://localhost:8080"}})));
    EXPECT_EQ(refuse(policy, request_of("POST", {host}))->status, 415);
    EXPECT_EQ(refuse(policy, request_of("POST", {host, {"Content-Type", "text/plain"}}))->status,
              415);
    EXPECT_EQ(refuse(policy, request_of("DELETE", {host}))->status, 415);
    const auto foreign =
        refuse(policy, request_of("POST", {host, json, {"Origin", "http://127.0.0.1:3000"}}));
    ASSERT_TRUE(foreign);
    EXPECT_EQ(foreign->status, 403);
    EXPECT_EQ(foreign->code, "forbidden");
    EXPECT_EQ(
        refuse(policy, request_of("POST", {host, json, {"Sec-Fetch-Site", "cross-site"}}))->status,
        403);
    EXPECT_FALSE(
        refuse(policy, request_of("POST", {host, json, {"Sec-Fetch-Site", "same-origin"}})));
}

TEST(SameOrigin, AllowedHostsSettingIsCheckedAtStart) {
    EXPECT_TRUE(parse_allowed_hosts("CONSOLE_ALLOWED_HOSTS", "").empty());
    const auto hosts = parse_allowed_hosts("CONSOLE_ALLOWED_HOSTS", " Console.Example , [::1]:81");
    EXPECT_EQ(hosts, (std::vector<std::string>{"console.example", "[::1]:81"}));
    for (const auto* bad : {"http://x", "a,,b", "x:0", "x:99999", "x/y", "x:port"}) {
        try {
            parse_allowed_hosts("CONSOLE_ALLOWED_HOSTS", bad);
            ADD_FAILURE() << bad;
        } catch (const common::ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("CONSOLE_ALLOWED_HOSTS"), std::string::npos);
        }
    }
}

TEST(AccessGuard, RedirectDropsOnlyTheTokenAndStaysOnThisConsole) {
    EXPECT_EQ(without_token("/?token=abc"), "/");
    EXPECT_EQ(without_token("/ui/dlq?token=abc&x=1&tokens=2"), "/ui/dlq?x=1&tokens=2");
    EXPECT_EQ(without_token("/ui/dlq?x=1&token"), "/ui/dlq?x=1");
    EXPECT_EQ(without_token("//evil.example/?token=abc"), "/");
}

}  // namespace
}  // namespace orderflow::console
