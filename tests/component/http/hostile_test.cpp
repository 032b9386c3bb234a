// What hostile clients send and what they get: oversized trailers and fields, bad chunks,
// bodies over a route's limit or on a route that takes none, the cap on bodies held across
// connections, and handlers or renderers that throw. Each leaves the server serving.
#include "http_fixture.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <vector>

namespace orderflow::http::testing {
namespace {

/// The reply on `connection`, which the server must then close.
RawReply answered_and_closed(RawConnection& connection) {
    const auto reply = connection.read_reply(10s);
    EXPECT_TRUE(reply) << "no answer";
    EXPECT_TRUE(connection.closed_by_server(10s)) << "connection left open";
    return reply.value_or(RawReply{});
}

int error_code_of(const RawReply& reply) {
    return nlohmann::json::parse(reply.body).at("error_code").get<int>();
}

class Hostile : public HttpServerTest {
protected:
    /// `request` on a new connection is answered `status` (in the JSON error_code too) and
    /// closed, and the server answers the next connection.
    RawReply refused(const std::string& request, int status) {
        auto connection = connect();
        connection.send(request);  // may fail part-way once the server has answered
        const auto reply = answered_and_closed(connection);
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(error_code_of(reply), status) << reply.body;
        EXPECT_EQ(once(raw_get("/items/next")).body, "item next");
        return reply;
    }
};

std::string chunked_post(const std::string& target, const std::string& chunks) {
    return "POST " + target + " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
}

std::string post_head(const std::string& target,
                      std::size_t length,
                      const std::string& extra = "") {
    return "POST " + target + " HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(length) +
           "\r\n" + extra + "\r\n";
}

TEST(BodyLimit, NoneForGetHeadDeleteTheServersForOthersAndARouteNeverAboveIt) {
    const Route plain{"", {}, {}, {}};
    EXPECT_EQ(body_limit(plain, "GET", 1000), 0u);
    EXPECT_EQ(body_limit(plain, "HEAD", 1000), 0u);
    EXPECT_EQ(body_limit(plain, "DELETE", 1000), 0u);
    EXPECT_EQ(body_limit(plain, "POST", 1000), 1000u);
    EXPECT_EQ(body_limit(plain, "PUT", 1000), 1000u);
    const Route small{"POST", {}, {}, {.max_body_bytes = 10}};
    EXPECT_EQ(body_limit(small, "POST", 1000), 10u);
    const Route large{"GET", {}, {}, {.max_body_bytes = 5000}};
    EXPECT_EQ(body_limit(large, "GET", 1000), 1000u);
}

TEST_F(Hostile, OversizedTrailerIs431AndTheServerAnswersTheNextConnection) {
    start(echo_router());  // heads (and so trailers) up to 16 KiB
    refused(chunked_post("/echo", "5\r\nhello\r\n0\r\nX-Trailer: " + std::string(100 * 1024, 'a') +
                                      "\r\n\r\n"),
            431);
}

TEST_F(Hostile, FieldsBeastCannotStoreAre431EvenWhenTheHeadLimitAllowsThem) {
    Limits limits;
    limits.max_header_bytes = 256 * 1024;  // Beast stores no field of 64 KiB or more
    start(echo_router(), limits);
    const std::string big(70 * 1024, 'a');
    const auto reply =
        refused(chunked_post("/echo", "5\r\nhello\r\n0\r\nX-Trailer: " + big + "\r\n\r\n"), 431);
    EXPECT_NE(reply.body.find("too large"), std::string::npos) << reply.body;
    refused(raw_get("/items/1", "X-Big: " + big + "\r\n"), 431);
}

TEST_F(Hostile, BadChunkSizeIs400AndClosed) {
    start(echo_router());
    refused(chunked_post("/echo", "zz\r\nhello\r\n0\r\n\r\n"), 400);
}

TEST_F(Hostile, ChunkLineOverTheHeadLimitIs431) {
    Limits limits;
    limits.max_header_bytes = 2048;
    start(echo_router(), limits);
    refused(chunked_post("/echo", "5;ext=" + std::string(8192, 'e') + "\r\nhello\r\n"), 431);
}

TEST_F(Hostile, RouteLimitIs413FromTheHeadAndAsAChunkedBodyGrows) {
    Router router = echo_router();
    router.add("POST", "/small", [](const Request& req, Response& res) { res.body = req.body; },
               {.max_body_bytes = 100});
    start(std::move(router));
    const auto reply = refused(post_head("/small", 101), 413);  // no body byte sent
    EXPECT_NE(reply.body.find("over 100 bytes"), std::string::npos) << reply.body;
    refused(chunked_post("/small", "3c\r\n" + std::string(60, 'a') + "\r\n3c\r\n" +
                                       std::string(60, 'b') + "\r\n0\r\n\r\n"),
            413);
    EXPECT_EQ(once(post_head("/small", 100) + std::string(100, 'c')).body, std::string(100, 'c'));
    // Other routes keep the server's limit.
    EXPECT_EQ(once(post_head("/echo", 5000) + std::string(5000, 'd')).status, 200);
}

TEST_F(Hostile, BodyOnAGetRouteIs413) {
    start(echo_router());
    const auto reply =
        refused("GET /items/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", 413);
    EXPECT_NE(reply.body.find("takes no request body"), std::string::npos) << reply.body;
    const auto chunked = refused(
        "GET /items/1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        413);
    EXPECT_NE(chunked.body.find("takes no request body"), std::string::npos) << chunked.body;
    // An empty body is no body.
    EXPECT_EQ(once("GET /items/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").status, 200);
}

TEST_F(Hostile, BodyForNoRouteIsNotReadThe404ClosesTheConnection) {
    start(echo_router());
    refused(post_head("/nowhere", 1000000), 404);  // the body never comes
}

TEST_F(Hostile, BodiesOverTheSharedCapAre503UntilBytesAreGivenBack) {
    Limits limits;
    limits.max_buffered_bytes = 64 * 1024;
    start(echo_router(), limits);
    // The first request's 40 000 bytes are reserved once its head is in (100 Continue says so).
    auto holder = connect();
    holder.send(post_head("/echo", 40000, "Expect: 100-continue\r\n"));
    const auto go_on = holder.read_reply(10s);
    ASSERT_TRUE(go_on);
    ASSERT_EQ(go_on->status, 100);
    auto refused = connect();
    refused.send(post_head("/echo", 40000));
    auto reply = answered_and_closed(refused);
    EXPECT_EQ(reply.status, 503);
    EXPECT_EQ(reply.header("Retry-After"), "1");
    auto growing = connect();
    std::string chunks;
    for (int i = 0; i < 8; ++i) {
        chunks += "1000\r\n" + std::string(4096, 'g') + "\r\n";
    }
    growing.send(chunked_post("/echo", chunks + "0\r\n\r\n"));
    EXPECT_EQ(answered_and_closed(growing).status, 503);
    // The holder finishes; its bytes come back and the same request now passes.
    holder.send(std::string(40000, 'h'));
    const auto held = holder.read_reply(10s);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->status, 200);
    EXPECT_EQ(once(post_head("/echo", 40000) + std::string(40000, 'i')).status, 200);
}

TEST_F(Hostile, HandlerThrowingANonStandardExceptionIs500) {
    Router router;
    router.add("GET", "/odd", [](const Request&, Response&) { throw 42; });
    start(std::move(router));
    const auto reply = once(raw_get("/odd"));
    EXPECT_EQ(reply.status, 500);
    EXPECT_NE(reply.body.find("unknown exception"), std::string::npos) << reply.body;
}

TEST_F(Hostile, ErrorTextThatIsNotUtf8StillRendersAsJson) {
    Router router;
    router.add("GET", "/echo-fail/{what}", [](const Request& req, Response&) {
        throw std::runtime_error("bad value " + req.param("what"));
    });
    start(std::move(router));
    const auto reply = once(raw_get("/echo-fail/%FF%FE\"x"));
    EXPECT_EQ(reply.status, 500);
    nlohmann::json body;
    ASSERT_NO_THROW(body = nlohmann::json::parse(reply.body)) << reply.body;
    EXPECT_EQ(body.at("error_code"), 500);
    EXPECT_NE(body.at("message").get<std::string>().find("\"x"), std::string::npos);
}

TEST_F(Hostile, RendererThatThrowsDropsOnlyThatConnection) {
    Router router = echo_router();
    router.add("GET", "/fails", [](const Request&, Response&) { throw std::runtime_error("x"); },
               {.blocking = true});
    start(std::move(router), {}, [](const ServerError&, const Request*, Response&) {
        throw std::runtime_error("renderer broken");
    });
    // More times than there are event-loop and worker threads: none of them may die.
    for (int i = 0; i < 4; ++i) {
        auto unrouted = connect();
        unrouted.send(raw_get("/nowhere"));
        EXPECT_TRUE(unrouted.closed_by_server(10s));
        EXPECT_TRUE(unrouted.received().empty());
        auto failing = connect();
        failing.send(raw_get("/fails"));
        EXPECT_TRUE(failing.closed_by_server(10s));
        EXPECT_TRUE(failing.received().empty());
    }
    EXPECT_EQ(once(raw_get("/items/1")).body, "item 1");
}

}  // namespace
}  // namespace orderflow::http::testing
