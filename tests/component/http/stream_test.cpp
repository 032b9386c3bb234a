// Server-sent event streams: events from another thread, heartbeat, exemption from the idle
// timeout, a client that leaves, and stop() with streams open.
#include "http/event_stream.h"
#include "http_fixture.h"

#include <mutex>
#include <thread>
#include <vector>

namespace orderflow::http::testing {
namespace {

// Keeps every stream a route opened, so the test plays the producer.
struct Streams {
    std::mutex mutex;
    std::vector<std::shared_ptr<EventStream>> open;

    Router router() {
        Router r;
        r.add("GET", "/events", [this](const Request&, Response& res) {
            auto stream = res.start_stream();
            stream->send("hello", "greeting");
            std::lock_guard lock(mutex);
            open.push_back(std::move(stream));
        });
        return r;
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return open.size();
    }
    std::shared_ptr<EventStream> at(std::size_t i) {
        std::lock_guard lock(mutex);
        return open.at(i);
    }
};

TEST(EventStreamFormat, MultiLineDataAndComments) {
    EventStream stream;
    EXPECT_TRUE(stream.send("a\nb", "update", "7"));
    EXPECT_TRUE(stream.comment("ping"));
    EXPECT_EQ(stream.take(), "event: update\nid: 7\ndata: a\ndata: b\n\n: ping\n\n");
    stream.close();
    EXPECT_FALSE(stream.send("late"));
}

TEST(EventStreamFormat, AReaderThatFallsTooFarBehindClosesTheStream) {
    EventStream stream;
    const std::string chunk(64 * 1024, 'x');
    bool open = true;
    for (int i = 0; i < 100 && open; ++i) {
        open = stream.send(chunk);
    }
    EXPECT_FALSE(open);
    EXPECT_TRUE(stream.closed());
}

using Streaming = HttpServerTest;

TEST_F(Streaming, EventsSentFromAnotherThreadArriveInOrder) {
    Streams streams;
    start(streams.router());
    auto client = connect();
    ASSERT_TRUE(client.send(raw_get("/events")));
    ASSERT_TRUE(client.read_until("data: hello\n\n", 10s));
    EXPECT_NE(client.received().find("Content-Type: text/event-stream"), std::string::npos);
    ASSERT_TRUE(test_wait([&] { return streams.count() == 1; }));
    std::thread producer([stream = streams.at(0)] {
        for (int i = 0; i < 50; ++i) {
            stream->send("n" + std::to_string(i));
        }
        stream->close();
    });
    producer.join();
    EXPECT_TRUE(client.closed_by_server(10s));
    const auto& bytes = client.received();
    std::size_t at = 0;
    for (int i = 0; i < 50; ++i) {
        const auto next = bytes.find("data: n" + std::to_string(i) + "\n\n", at);
        ASSERT_NE(next, std::string::npos) << "event " << i;
        at = next;
    }
}

TEST_F(Streaming, QuietStreamGetsHeartbeatsAndOutlivesTheIdleTimeout) {
    Streams streams;
    Limits limits;
    limits.idle_timeout = 200ms;
    limits.stream_heartbeat = 100ms;
    start(streams.router(), limits);
    auto client = connect();
    ASSERT_TRUE(client.send(raw_get("/events")));
    ASSERT_TRUE(client.read_until(": heartbeat\n\n", 10s));
    std::this_thread::sleep_for(600ms);  // three idle timeouts
    ASSERT_TRUE(test_wait([&] { return streams.count() == 1; }));
    ASSERT_TRUE(streams.at(0)->send("still here"));
    EXPECT_TRUE(client.read_until("data: still here\n\n", 10s));
}

TEST_F(Streaming, ClientThatLeavesClosesTheStream) {
    Streams streams;
    start(streams.router());
    {
        auto client = connect();
        ASSERT_TRUE(client.send(raw_get("/events")));
        ASSERT_TRUE(client.read_until("data: hello", 10s));
    }
    ASSERT_TRUE(test_wait([&] { return streams.count() == 1; }));
    EXPECT_TRUE(test_wait([&] { return streams.at(0)->closed(); }));
    EXPECT_TRUE(test_wait([&] { return server_->stats().open_connections == 0; }));
}

TEST_F(Streaming, StopEndsEveryStreamAndReturnsPromptly) {
    Streams streams;
    Limits limits;
    limits.shutdown_timeout = 5s;
    start(streams.router(), limits);
    std::vector<RawConnection> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(connect());
        ASSERT_TRUE(clients.back().send(raw_get("/events")));
        ASSERT_TRUE(clients.back().read_until("data: hello", 10s));
    }
    const auto begin = std::chrono::steady_clock::now();
    server_->stop();
    const auto took = std::chrono::steady_clock::now() - begin;
    EXPECT_LT(took, limits.shutdown_timeout) << "stop() waited for the deadline: a stream hung";
    for (auto& client : clients) {
        EXPECT_TRUE(client.closed_by_server(1s));
    }
    for (std::size_t i = 0; i < streams.count(); ++i) {
        EXPECT_FALSE(streams.at(i)->send("after stop"));
    }
}

}  // namespace
}  // namespace orderflow::http::testing
