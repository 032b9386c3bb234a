// Every limit and its answer: 431, 413 (Content-Length and chunked), slow heads, idle
// keep-alive, slow bodies, the connection cap and the handler budget.
#include "http_fixture.h"

#include <atomic>
#include <thread>
#include <vector>

namespace orderflow::http::testing {
namespace {

using Limited = HttpServerTest;

TEST_F(Limited, OversizedHeadIs431AndClosed) {
    Limits limits;
    limits.max_header_bytes = 2048;
    start(echo_router(), limits);
    auto connection = connect();
    ASSERT_TRUE(connection.send(raw_get("/items/1", "X-Big: " + std::string(4096, 'x') + "\r\n")));
    const auto reply = connection.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 431);
    EXPECT_NE(reply->body.find("\"error_code\":431"), std::string::npos);
    EXPECT_TRUE(connection.closed_by_server(10s));
    EXPECT_EQ(once(raw_get("/items/2", "X-Small: y\r\n")).status, 200);
}

TEST_F(Limited, OversizedContentLengthIs413BeforeTheBodyIsRead) {
    Limits limits;
    limits.max_body_bytes = 1024;
    start(echo_router(), limits);
    auto connection = connect();
    ASSERT_TRUE(
        connection.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n"));
    const auto reply = connection.read_reply(10s);  // without sending a byte of the body
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_EQ(reply->header("Connection"), "close");
}

TEST_F(Limited, OversizedChunkedBodyIs413) {
    Limits limits;
    limits.max_body_bytes = 1024;
    start(echo_router(), limits);
    auto connection = connect();
    std::string request = "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) {
        request += "200\r\n" + std::string(512, 'a') + "\r\n";
    }
    request += "0\r\n\r\n";
    ASSERT_TRUE(connection.send(request));
    const auto reply = connection.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
}

TEST_F(Limited, BodyAtTheCapIsAccepted) {
    Limits limits;
    limits.max_body_bytes = 1024;
    start(echo_router(), limits);
    const auto reply = once("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1024\r\n\r\n" +
                            std::string(1024, 'b'));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body.size(), 1024u);
}

TEST_F(Limited, SlowHeadIsClosedAtTheHeadDeadline) {
    Limits limits;
    limits.head_timeout = 500ms;
    start(echo_router(), limits);
    auto slow = connect();
    ASSERT_TRUE(slow.send("GET /items/1 HTTP/1.1\r\nHo"));
    // Trickle a byte at a time: activity does not extend the deadline.
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {
        slow.send("x");
        closed = slow.closed_by_server(100ms);
    }
    EXPECT_TRUE(closed) << "a trickling head was never closed";
    EXPECT_TRUE(slow.received().empty()) << "closed without an answer";
    EXPECT_EQ(once(raw_get("/items/2")).status, 200);
}

TEST_F(Limited, IdleKeepAliveIsClosedAfterTheIdleTimeout) {
    Limits limits;
    limits.idle_timeout = 300ms;
    start(echo_router(), limits);
    auto connection = connect();
    ASSERT_TRUE(connection.send(raw_get("/items/1")));
    ASSERT_TRUE(connection.read_reply(10s));
    EXPECT_TRUE(connection.closed_by_server(10s));
}

TEST_F(Limited, RequestsSpacedUnderTheIdleTimeoutKeepAConnectionPastItThenItClosesWhenQuiet) {
    // Each answer moves the deadline later without a new timer wait: the pending wait fires
    // early, waits again, and still closes the connection once it has been idle long enough.
    Limits limits;
    limits.idle_timeout = 400ms;
    start(echo_router(), limits);
    auto connection = connect();
    for (int i = 0; i < 6; ++i) {
        ASSERT_TRUE(connection.send(raw_get("/items/" + std::to_string(i)))) << i;
        const auto reply = connection.read_reply(10s);
        ASSERT_TRUE(reply) << i;
        EXPECT_EQ(reply->body, "item " + std::to_string(i));
        std::this_thread::sleep_for(200ms);  // 1.2 s in all: three idle timeouts
    }
    EXPECT_TRUE(connection.closed_by_server(10s));
}

TEST_F(Limited, SlowBodyIsClosedAtTheBodyDeadline) {
    Limits limits;
    limits.body_timeout = 300ms;
    start(echo_router(), limits);
    auto connection = connect();
    ASSERT_TRUE(connection.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab"));
    EXPECT_TRUE(connection.closed_by_server(10s));
}

TEST_F(Limited, ConnectionsOverTheCapAreRefusedAtOnceAndEstablishedOnesKeepWorking) {
    Limits limits;
    limits.max_connections = 8;
    start(echo_router(), limits);
    std::vector<RawConnection> established;
    for (int i = 0; i < 8; ++i) {
        established.push_back(connect());
        ASSERT_TRUE(established.back().send(raw_get("/items/" + std::to_string(i))));
        ASSERT_TRUE(established.back().read_reply(10s)) << "established " << i;
    }
    // A flood: each one over the cap gets 503 and is closed, none waits.
    for (int i = 0; i < 50; ++i) {
        auto extra = connect();
        const auto reply = extra.read_reply(10s);  // before sending anything
        ASSERT_TRUE(reply) << "flood connection " << i << " got no answer";
        EXPECT_EQ(reply->status, 503);
        EXPECT_EQ(reply->header("Retry-After"), "1");
        EXPECT_TRUE(extra.closed_by_server(10s));
    }
    EXPECT_GE(server_->stats().refused_connections, 50u);
    for (std::size_t i = 0; i < established.size(); ++i) {
        ASSERT_TRUE(established[i].send(raw_get("/items/again")));
        const auto reply = established[i].read_reply(10s);
        ASSERT_TRUE(reply) << "established " << i << " after the flood";
        EXPECT_EQ(reply->body, "item again");
    }
    established.pop_back();  // a slot frees up: the next connection is served
    ASSERT_TRUE(
        test_wait([&] { return server_->stats().open_connections < limits.max_connections; }));
    EXPECT_EQ(once(raw_get("/items/new")).body, "item new");
}

TEST_F(Limited, BlockingHandlerOverBudgetIs503AndTheConnectionLives) {
    std::atomic<bool> release{false};
    std::atomic<bool> finished{false};
    Router router = echo_router();
    router.add("GET", "/slow",
               [&release, &finished](const Request&, Response& res) {
                   for (int i = 0; i < 1000 && !release; ++i) {
                       std::this_thread::sleep_for(10ms);
                   }
                   res.body = "late";
                   finished = true;
               },
               {.blocking = true});
    router.add("GET", "/quick", [](const Request&, Response& res) { res.body = "quick"; },
               {.blocking = true});
    Limits limits;
    limits.handler_budget = 200ms;
    start(std::move(router), limits);
    auto connection = connect();
    ASSERT_TRUE(connection.send(raw_get("/slow")));
    const auto reply = connection.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 503);
    EXPECT_NE(reply->body.find("no answer within 200 ms"), std::string::npos) << reply->body;
    release = true;
    ASSERT_TRUE(connection.send(raw_get("/quick")));
    const auto next = connection.read_reply(10s);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, "quick");  // the late "late" was dropped, not sent
    EXPECT_TRUE(test_wait([&] { return finished.load(); }));  // before `release` goes away
}

TEST_F(Limited, StopClosesIdleConnectionsAndLetsRequestsInFlightFinish) {
    std::atomic<bool> entered{false};
    Router router = echo_router();
    router.add("GET", "/work",
               [&entered](const Request&, Response& res) {
                   entered = true;
                   std::this_thread::sleep_for(500ms);
                   res.body = "done";
               },
               {.blocking = true});
    start(std::move(router));
    auto idle = connect();
    ASSERT_TRUE(idle.send(raw_get("/items/1")));
    ASSERT_TRUE(idle.read_reply(10s));
    auto slow_head = connect();
    ASSERT_TRUE(slow_head.send("GET /items/1 HTTP/1.1\r\n"));
    auto busy = connect();
    ASSERT_TRUE(busy.send(raw_get("/work")));
    ASSERT_TRUE(test_wait([&] { return entered.load(); }));
    server_->stop();  // returns once the request in flight has been answered
    EXPECT_TRUE(idle.closed_by_server(1s));
    EXPECT_TRUE(slow_head.closed_by_server(1s));
    const auto reply = busy.read_reply(1s);
    ASSERT_TRUE(reply) << "the request in flight was cut";
    EXPECT_EQ(reply->body, "done");
    EXPECT_EQ(reply->header("Connection"), "close");
    EXPECT_THROW(connect(), std::runtime_error);  // no longer listening
}

}  // namespace
}  // namespace orderflow::http::testing
