#include "integration/console/console_harness.h"
#include "support/raw_http.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

constexpr const char* kOriginToken = "console-origin-SECRET-7";

/// One request as raw bytes (the Host, Origin and Content-Type a browser would send, or not).
RawReply send_raw(const ConsoleProcess& console, const std::string& request) {
    RawConnection connection(console.port());
    EXPECT_TRUE(connection.send(request));
    auto reply = connection.read_reply(seconds(60));
    EXPECT_TRUE(reply) << request;
    return reply.value_or(RawReply{});
}

std::string get_with_host(const std::string& target, const std::string& host) {
    return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

std::string post_redrive(const ConsoleProcess& console, const std::string& extra_headers) {
    const std::string body = R"({"confirm":true})";
    return "POST /api/dlq/redrive HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(console.port()) +
           "\r\nAuthorization: Bearer " + kOriginToken +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" +
           body;
}

std::string error_code_of(const RawReply& reply) {
    return nlohmann::json::parse(reply.body)["error"]["code"];
}

TEST(ConsoleOrigin, AForeignHostIsRefusedOnPagesApiAndStreamsAndAnAllowedOneIsAnswered) {
    const Pipeline pipeline("http://127.0.0.1:1");
    const ConsoleProcess console(pipeline, {{"CONSOLE_ALLOWED_HOSTS", "console.example"}});
    const auto port = std::to_string(console.port());

    // A DNS-rebinding page: its own name, resolved to 127.0.0.1, on the console's port.
    for (const std::string& target : std::vector<std::string>{
             "/", "/api/overview", "/api/topics/" + pipeline.topic + "/messages/stream"}) {
        const auto refused =
            send_raw(console, get_with_host(target, "rebind.attacker.example:" + port));
        EXPECT_EQ(refused.status, 421) << target << ": " << refused.body;
        EXPECT_EQ(refused.header("Content-Type"), "application/json; charset=utf-8") << target;
        EXPECT_EQ(error_code_of(refused), "misdirected_request") << target;
        EXPECT_EQ(refused.body.find(kIndexMarker), std::string::npos) << target;
    }
    const auto no_host = send_raw(console, "GET /api/overview HTTP/1.1\r\n\r\n");
    EXPECT_EQ(no_host.status, 400) << no_host.body;
    EXPECT_EQ(error_code_of(no_host), "bad_request");
    EXPECT_EQ(send_raw(console, get_with_host("/", "127.0.0.1:1")).status, 421) << "another port";

    // The console's own names and the allow-list are answered.
    for (const std::string& host :
         std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "console.example",
                                  "Console.Example:" + port}) {
        const auto page = send_raw(console, get_with_host("/", host));
        EXPECT_EQ(page.status, 200) << host << ": " << page.body;
        EXPECT_NE(page.body.find(kIndexMarker), std::string::npos) << host;
        EXPECT_EQ(send_raw(console, get_with_host("/api/overview", host)).status, 200) << host;
    }
    // Probes name whatever host they like; /health says nothing but "ok".
    EXPECT_EQ(send_raw(console, get_with_host("/health", "probe")).status, 200);
}

TEST(ConsoleOrigin, ActionsNeedTheirOwnOriginAndAJsonBody) {
    const Pipeline pipeline("http://127.0.0.1:1");
    const ConsoleProcess console(pipeline, {{"CONSOLE_TOKEN", kOriginToken}});
    const auto own = "Origin: http://127.0.0.1:" + std::to_string(console.port()) + "\r\n";
    const std::string json = "Content-Type: application/json\r\n";

    // Past the rules, the redrive itself answers: a selection is missing (400).
    const auto same_origin = send_raw(console, post_redrive(console, own + json));
    EXPECT_EQ(same_origin.status, 400) << same_origin.body;
    const auto no_origin = send_raw(console, post_redrive(console, json));
    EXPECT_EQ(no_origin.status, 400) << "curl sends no Origin: " << no_origin.body;

    // A page on another loopback port, or any other site.
    for (const std::string& origin : std::vector<std::string>{
             "Origin: http://127.0.0.1:" + std::to_string(console.port() + 1) + "\r\n",
             std::string("Origin: http://attacker.example\r\n"), std::string("Origin: null\r\n")}) {
        const auto cross = send_raw(console, post_redrive(console, origin + json));
        EXPECT_EQ(cross.status, 403) << origin << cross.body;
        EXPECT_EQ(error_code_of(cross), "forbidden") << origin;
    }
    const auto cross_site =
        send_raw(console, post_redrive(console, json + "Sec-Fetch-Site: cross-site\r\n"));
    EXPECT_EQ(cross_site.status, 403) << cross_site.body;

    // A form or a "simple" fetch cannot send JSON without a preflight: refused before it acts.
    for (const auto* type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
        const auto header =
            std::string(type).empty() ? "" : "Content-Type: " + std::string(type) + "\r\n";
        const auto wrong = send_raw(console, post_redrive(console, own + header));
        EXPECT_EQ(wrong.status, 415) << type << ": " << wrong.body;
        EXPECT_EQ(error_code_of(wrong), "unsupported_media_type") << type;
    }
}

TEST(ConsoleOrigin, TheTokenInAUrlIsTradedForTheCookieAndNeverLogged) {
    const Pipeline pipeline("http://127.0.0.1:1");
    const ConsoleProcess console(pipeline, {{"CONSOLE_TOKEN", kOriginToken}});
    const std::string token = std::string("token=") + kOriginToken;

    const auto traded = console.get("/ui/dlq?" + token + "&view=all");
    EXPECT_EQ(traded.status, 303) << traded.body;
    EXPECT_EQ(traded.location, "/ui/dlq?view=all");
    EXPECT_NE(traded.set_cookie.find("HttpOnly"), std::string::npos) << traded.set_cookie;
    EXPECT_NE(traded.set_cookie.find("SameSite=Strict"), std::string::npos) << traded.set_cookie;
    const auto cookie = traded.set_cookie.substr(0, traded.set_cookie.find(';'));
    const auto page = console.get(traded.location, {{"Cookie", cookie}});
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find(kIndexMarker), std::string::npos);

    // Requests carrying the token in the URL that fail, each its own way.
    const std::map<std::string, std::string> bearer = {
        {"Authorization", std::string("Bearer ") + kOriginToken}};
    EXPECT_EQ(console.post("/api/dlq/redrive?" + token, R"({"confirm":true})").status, 401)
        << "an action takes the token from a header or the cookie only";
    EXPECT_EQ(console.get("/api/nothing-here?" + token).status, 404);
    EXPECT_EQ(
        console.get("/api/topics/" + pipeline.topic + "/messages?limit=0&" + token, bearer).status,
        400);
    EXPECT_EQ(console.get("/api/topics/no-such-topic-x/messages?" + token, bearer).status / 100, 4);
    EXPECT_EQ(console.get("/ui/dlq?token=wrong-token-xx").status, 401);
    const auto foreign = send_raw(console, get_with_host("/ui/dlq?" + token, "attacker.example"));
    EXPECT_EQ(foreign.status, 421);
    EXPECT_EQ(foreign.body.find(kOriginToken), std::string::npos) << foreign.body;

    const auto log = console.output();
    EXPECT_NE(log.find("console: http://"), std::string::npos) << "the log is read: " << log;
    EXPECT_EQ(log.find(kOriginToken), std::string::npos) << log;
}

}  // namespace
}  // namespace orderflow::test
