// The chunked request whose trailer once killed every libs/http process (Beast threw inside the
// event loop): sent to a real registry, a real console and a real consumer's status server.
// Each answers 431 and keeps serving; a trailer of many small fields (megabytes in all) is
// refused the same way, also by a registry whose body limit is 64 KiB. Bodies over a route's
// limit (any body on a read, a write over the service's limit) are 413 before they are sent.
#include "integration/console/console_harness.h"
#include "integration/pipeline/pipeline_harness.h"
#include "integration/registry/registry_process.h"
#include "robustness/http/slow_load.h"
#include "support/raw_http.h"

#include <gtest/gtest.h>

#include <string>

namespace orderflow::registry::testing {
namespace {

using namespace std::chrono_literals;

// A chunked request up to its last chunk, the trailer to follow. A GET has no data chunk (its
// route takes no body).
std::string chunked_head(const std::string& method, const std::string& target) {
    return method + " " + target +
           " HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
           "Transfer-Encoding: chunked\r\n\r\n" +
           (method == "GET" ? "" : "2\r\n{}\r\n") + "0\r\n";
}

// One trailer field longer than 64 KiB: the shape that made Beast throw.
std::string one_huge_field() {
    return "X-Trailer: " + std::string(100 * 1024, 'a') + "\r\n\r\n";
}

// 8 MiB of trailer in fields of 1 KiB, each one small enough for Beast to store.
std::string many_fields() {
    std::string trailer;
    for (int i = 0; i < 8 * 1024; ++i) {
        trailer += "X-T" + std::to_string(i) + ": " + std::string(1024, 'b') + "\r\n";
    }
    return trailer + "\r\n";
}

/// Sends the request (the server may stop reading it part-way) and returns its answer.
test::RawReply answer_to(std::uint16_t port, const std::string& request) {
    test::RawConnection connection(port);
    connection.send(request);  // may fail once the server has answered and closed
    const auto reply = connection.read_reply(30s);
    EXPECT_TRUE(reply) << "no answer on port " << port;
    EXPECT_TRUE(connection.closed_by_server(30s)) << "port " << port << " left it open";
    return reply.value_or(test::RawReply{});
}

int health_status(std::uint16_t port) {
    return test::answer_status(port, "/health", 30s);
}

TEST(HostileRequests, OversizedTrailerAndBodiesOverTheRouteLimitAreRefusedAndServingGoesOn) {
    RegistryNames names;
    RegistryProcess registry(names, test::free_port(), {{"REGISTRY_MAX_BODY_BYTES", "65536"}});
    test::Pipeline pipeline(registry.url());
    const auto status_port = test::free_port();
    auto consumer = pipeline.start_consumer(true, {{"METRICS_PORT", std::to_string(status_port)}});
    ASSERT_TRUE(test::wait_until(
        [&] {
            return test::answer_status(status_port, "/health", 2s) != 0 || !consumer->running();
        },
        60s))
        << consumer->output();
    ASSERT_TRUE(consumer->running()) << consumer->output();
    test::ConsoleProcess console(pipeline);

    struct Target {
        const char* name;
        std::uint16_t port;
        std::string head;
    };
    const Target targets[] = {
        {"registry", registry.port(), chunked_head("POST", "/subjects/trailer-value/versions")},
        {"console", console.port(), chunked_head("POST", "/api/actions/test-order")},
        {"consumer status", status_port, chunked_head("GET", "/health")},
    };
    for (const auto& target : targets) {
        for (const auto& trailer : {one_huge_field(), many_fields()}) {
            const auto reply = answer_to(target.port, target.head + trailer);
            EXPECT_EQ(reply.status, 431) << target.name << ": " << reply.head << reply.body;
        }
        EXPECT_NE(health_status(target.port), 0) << target.name << " stopped answering";
    }
    // Heads only: the answer comes before any body byte is sent.
    const Target too_large[] = {
        {"registry read", registry.port(), "GET /subjects HTTP/1.1\r\nContent-Length: 10\r\n"},
        {"registry write", registry.port(),
         "POST /subjects/big-value/versions HTTP/1.1\r\nContent-Length: 70000\r\n"
         "Content-Type: application/vnd.schemaregistry.v1+json\r\n"},
        {"console action", console.port(),
         "POST /api/actions/test-order HTTP/1.1\r\nContent-Length: 100000\r\n"},
        {"consumer status", status_port, "GET /health HTTP/1.1\r\nContent-Length: 10\r\n"},
    };
    for (const auto& target : too_large) {
        const auto reply = answer_to(target.port, target.head + "Host: h\r\n\r\n");
        EXPECT_EQ(reply.status, 413) << target.name << ": " << reply.head << reply.body;
    }
    EXPECT_EQ(health_status(registry.port()), 200);
    EXPECT_EQ(health_status(console.port()), 200);
    EXPECT_TRUE(registry.process().running()) << registry.process().output();
    EXPECT_TRUE(consumer->running()) << consumer->output();
    EXPECT_EQ(console.get("/health").status, 200) << console.output();
}

}  // namespace
}  // namespace orderflow::registry::testing
