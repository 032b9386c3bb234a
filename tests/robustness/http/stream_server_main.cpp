// A process serving server-sent events on libs/http, as the console will: GET /events opens a
// stream that gets a "tick" every 100 ms from another thread; GET /ping answers "pong". Stops
// on SIGTERM like the services do. Usage: http_stream_server PORT SHUTDOWN_TIMEOUT_MS
#include "common/shutdown.h"
#include "http/event_stream.h"
#include "http/server.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace orderflow;

int main(int argc, char** argv) {
    if (argc != 3) {
        spdlog::error("usage: http_stream_server PORT SHUTDOWN_TIMEOUT_MS");
        return 2;
    }
    common::install_stop_handlers();
    std::mutex mutex;
    std::vector<std::shared_ptr<http::EventStream>> streams;
    http::Router router;
    router.add("GET", "/events", [&](const http::Request&, http::Response& res) {
        auto stream = res.start_stream();
        stream->send("hello");
        std::lock_guard lock(mutex);
        streams.push_back(std::move(stream));
    });
    router.add("GET", "/ping", [](const http::Request&, http::Response& res) {
        res.set_body("pong", "text/plain");
    });
    http::ServerOptions options;
    options.port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    options.name = "stream-server";
    options.limits.shutdown_timeout = std::chrono::milliseconds(std::stoi(argv[2]));
    options.limits.stream_heartbeat = std::chrono::seconds(1);
    http::Server server(std::move(router), options);
    server.start();
    std::thread ticker([&] {
        while (!common::sleep_unless_stopped(std::chrono::milliseconds(100))) {
            std::lock_guard lock(mutex);
            std::erase_if(streams, [](const auto& stream) { return !stream->send("tick"); });
        }
    });
    ticker.join();
    const auto begin = std::chrono::steady_clock::now();
    server.stop();
    spdlog::info("stream-server: stopped in {} ms",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - begin)
                     .count());
    return 0;
}
