// Routing, request and response shapes, keep-alive and pipelining on a real loopback server.
#include "http_fixture.h"

#include <thread>

namespace orderflow::http::testing {
namespace {

TEST(Router, MatchesLiteralsCapturesAndRest) {
    Router router;
    router.add("GET", "/a/{x}/b", [](const Request&, Response&) {});
    router.add("DELETE", "/a/{x}/b", [](const Request&, Response&) {});
    router.add("", "/any", [](const Request&, Response&) {});
    router.add("GET", "/rest/*", [](const Request&, Response&) {});
    Request request;
    request.method = "GET";
    request.target = "/a/q%2Fr/b/?z=1";
    auto match = router.find(request);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(request.param("x"), "q/r");
    request.method = "HEAD";
    EXPECT_NE(router.find(request).route, nullptr);  // HEAD is served by GET
    request.method = "PUT";
    match = router.find(request);
    EXPECT_EQ(match.route, nullptr);
    EXPECT_TRUE(match.path_known);
    EXPECT_EQ(match.allow, "GET, DELETE");
    request.target = "/a/b";
    match = router.find(request);
    EXPECT_FALSE(match.path_known);
    request.method = "PATCH";
    request.target = "/any";
    EXPECT_NE(router.find(request).route, nullptr);
    request.method = "GET";
    request.target = "/rest/x/y%20z";
    ASSERT_NE(router.find(request).route, nullptr);
    EXPECT_EQ(request.param("*"), "x/y%20z");
}

TEST(RequestShape, QueryParamsAndHeaders) {
    Request request;
    request.target = "/p?a=1&b=x%20y&c=+plus&flag&a=2";
    request.headers = {{"Content-Type", "text/plain"}};
    const auto params = request.query_params();
    EXPECT_EQ(params.count("a"), 2u);
    EXPECT_EQ(params.find("b")->second, "x y");
    EXPECT_EQ(params.find("c")->second, " plus");
    EXPECT_EQ(params.find("flag")->second, "");
    EXPECT_EQ(request.path(), "/p");
    EXPECT_EQ(request.header("content-TYPE"), "text/plain");
    EXPECT_FALSE(request.has_header("Accept"));
}

using Serving = HttpServerTest;

TEST_F(Serving, RoutesWithPathParamsQueryAndBody) {
    start(echo_router());
    const auto item = once(raw_get("/items/a%2Fb"));
    EXPECT_EQ(item.status, 200);
    EXPECT_EQ(item.body, "item a/b");
    EXPECT_EQ(item.header("Content-Type"), "text/plain");
    const auto echo = once(
        "POST /echo?a=x%21 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        "Content-Length: 7\r\n\r\n{\"k\":1}");
    EXPECT_EQ(echo.status, 200);
    EXPECT_EQ(echo.body, "{\"k\":1}");
    EXPECT_EQ(echo.header("Content-Type"), "application/json");
    EXPECT_EQ(echo.header("X-Query"), "x!");
    EXPECT_EQ(once(raw_get("/files/x/y")).body, "rest x/y");
}

TEST_F(Serving, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    start(echo_router());
    const auto missing = once(raw_get("/nope"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.header("Content-Type"), "application/json");
    EXPECT_EQ(missing.body, R"({"error_code":404,"message":"HTTP 404 Not Found"})");
    const auto wrong = once("DELETE /echo HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.header("Allow"), "POST");
    EXPECT_EQ(wrong.body, R"({"error_code":405,"message":"HTTP 405 Method Not Allowed"})");
}

TEST_F(Serving, ErrorRendererShapesTheServersOwnAnswers) {
    start(echo_router(), {}, [](const ServerError& error, const Request* request, Response& res) {
        res.set_body("custom " + std::to_string(error.status) + " " +
                         (request != nullptr ? request->method : "-"),
                     "text/x-custom");
    });
    const auto reply = once(raw_get("/nope"));
    EXPECT_EQ(reply.status, 404);
    EXPECT_EQ(reply.body, "custom 404 GET");
    EXPECT_EQ(reply.header("Content-Type"), "text/x-custom");
}

TEST_F(Serving, HandlerExceptionIs500AndTheConnectionLives) {
    Router router;
    router.add("GET", "/throw",
               [](const Request&, Response&) { throw std::runtime_error("boom"); });
    router.add("GET", "/ok", [](const Request&, Response& res) { res.body = "ok"; });
    start(std::move(router));
    auto connection = connect();
    ASSERT_TRUE(connection.send(raw_get("/throw")));
    const auto failed = connection.read_reply(10s);
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->status, 500);
    EXPECT_EQ(failed->body, R"({"error_code":500,"message":"boom"})");
    ASSERT_TRUE(connection.send(raw_get("/ok")));
    const auto ok = connection.read_reply(10s);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->body, "ok");
}

TEST_F(Serving, KeepAliveServesManyRequestsOnOneConnection) {
    start(echo_router());
    auto connection = connect();
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(connection.send(raw_get("/items/" + std::to_string(i))));
        const auto reply = connection.read_reply(10s);
        ASSERT_TRUE(reply) << "request " << i;
        EXPECT_EQ(reply->body, "item " + std::to_string(i));
        EXPECT_EQ(reply->header("Connection"), "");  // HTTP/1.1: kept alive without saying so
    }
    EXPECT_EQ(server_->stats().open_connections, 1u);
}

TEST_F(Serving, PipelinedRequestsAreAnsweredInOrder) {
    start(echo_router());
    auto connection = connect();
    std::string burst;
    for (int i = 0; i < 10; ++i) {
        burst += raw_get("/items/" + std::to_string(i));
    }
    burst += "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
    ASSERT_TRUE(connection.send(burst));
    for (int i = 0; i < 10; ++i) {
        const auto reply = connection.read_reply(10s);
        ASSERT_TRUE(reply) << "reply " << i;
        EXPECT_EQ(reply->body, "item " + std::to_string(i));
    }
    const auto last = connection.read_reply(10s);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->body, "abc");
}

TEST_F(Serving, ConnectionCloseAndHttp10AreHonoured) {
    start(echo_router());
    auto closing = connect();
    ASSERT_TRUE(closing.send(raw_get("/items/1", "Connection: close\r\n")));
    const auto reply = closing.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->header("Connection"), "close");
    EXPECT_TRUE(closing.closed_by_server(10s));
    auto old = connect();
    ASSERT_TRUE(old.send("GET /items/2 HTTP/1.0\r\n\r\n"));
    const auto old_reply = old.read_reply(10s);
    ASSERT_TRUE(old_reply);
    EXPECT_EQ(old_reply->body, "item 2");
    EXPECT_TRUE(old.closed_by_server(10s));
}

TEST_F(Serving, AnAnswersBytesAreStatusLineHeadersInOrderConnectionAndLength) {
    // The head a plain answer gets is written by the server, not by Beast: the same bytes.
    start(echo_router());
    auto keep = connect();
    ASSERT_TRUE(keep.send(raw_get("/items/1")));
    ASSERT_TRUE(keep.read_until("item 1", 10s));
    EXPECT_EQ(keep.received(),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nitem 1");
    auto old = connect();
    ASSERT_TRUE(old.send("GET /items/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    ASSERT_TRUE(old.read_until("item 2", 10s));
    EXPECT_EQ(old.received(),
              "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive\r\n"
              "Content-Length: 6\r\n\r\nitem 2");
    auto closing = connect();
    ASSERT_TRUE(closing.send(raw_get("/items/3", "Connection: close\r\n")));
    ASSERT_TRUE(closing.read_until("item 3", 10s));
    EXPECT_EQ(closing.received(),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
              "Content-Length: 6\r\n\r\nitem 3");
    auto head = connect();
    ASSERT_TRUE(head.send("HEAD /items/4 HTTP/1.1\r\nHost: h\r\n\r\n"));
    ASSERT_TRUE(head.read_until("\r\n\r\n", 10s));
    EXPECT_EQ(head.received(),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n");
}

TEST_F(Serving, ChunkedBodyIsDecoded) {
    start(echo_router());
    const auto reply = once(
        "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "abcdefg");
}

TEST_F(Serving, ExpectContinueGets100ThenTheAnswer) {
    start(echo_router());
    auto connection = connect();
    ASSERT_TRUE(connection.send(
        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
    ASSERT_TRUE(connection.read_until("HTTP/1.1 100 Continue\r\n\r\n", 10s));
    const auto interim = connection.read_reply(10s);  // the 100 itself (no body)
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(connection.send("hi"));
    const auto reply = connection.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, "hi");
}

TEST_F(Serving, HeadGetsTheGetHeadersWithoutBody) {
    start(echo_router());
    auto connection = connect();
    ASSERT_TRUE(connection.send("HEAD /items/7 HTTP/1.1\r\nHost: h\r\n\r\n" + raw_get("/items/8")));
    ASSERT_TRUE(connection.read_until("item 8", 10s));
    const auto& bytes = connection.received();
    EXPECT_NE(bytes.find("Content-Length: 6\r\n"), std::string::npos);
    EXPECT_EQ(bytes.find("item 7"), std::string::npos);
}

TEST_F(Serving, GarbageRequestIs400AndClosed) {
    start(echo_router());
    auto connection = connect();
    ASSERT_TRUE(connection.send("NOT HTTP AT ALL\r\n\r\n"));
    const auto reply = connection.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400);
    EXPECT_TRUE(connection.closed_by_server(10s));
}

TEST_F(Serving, BindingATakenPortNamesTheSetting) {
    start(echo_router());
    ServerOptions options;
    options.port = server_->port();
    options.listen_setting = "TEST_LISTEN";
    try {
        Server second(echo_router(), options);
        FAIL() << "bound a taken port";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("TEST_LISTEN"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace orderflow::http::testing
