// SIGTERM with 50 open event streams and 50 idle keep-alive connections: the process ends
// every stream, closes every connection and exits 0 within its shutdown deadline.
#include "support/raw_http.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

namespace orderflow::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kStreams = 50;
constexpr std::size_t kIdle = 50;
constexpr auto kShutdownTimeout = 5000ms;

TEST(SigtermWithStreams, ProcessExitsWithinItsDeadlineAndEveryConnectionIsClosed) {
    ASSERT_GE(raise_open_file_limit(1024), kStreams + kIdle + 64);
    const auto port = free_port();
    const auto log =
        std::filesystem::temp_directory_path() / (unique_name("http-stream-server") + ".log");
    ChildProcess server(
        {HTTP_STREAM_SERVER, std::to_string(port), std::to_string(kShutdownTimeout.count())}, {},
        log.string());
    ASSERT_TRUE(wait_until(
        [&] {
            try {
                RawConnection ping(port);
                return ping.send(raw_get("/ping")) && ping.read_reply(1s).has_value();
            } catch (const std::exception&) {
                return false;
            }
        },
        30s))
        << server.output();

    std::vector<RawConnection> streams;
    for (std::size_t i = 0; i < kStreams; ++i) {
        streams.emplace_back(port);
        ASSERT_TRUE(streams.back().send(raw_get("/events")));
        ASSERT_TRUE(streams.back().read_until("data: tick\n\n", 10s)) << "stream " << i;
    }
    std::vector<RawConnection> idle;
    for (std::size_t i = 0; i < kIdle; ++i) {
        idle.emplace_back(port);
        ASSERT_TRUE(idle.back().send(raw_get("/ping")));
        ASSERT_TRUE(idle.back().read_reply(10s)) << "idle " << i;
    }

    const auto begin = std::chrono::steady_clock::now();
    server.send_signal(SIGTERM);
    // Its deadline, plus room for process exit on a busy machine.
    const int exit_code = server.wait(kShutdownTimeout + 5s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - begin);
    std::printf("SIGTERM with %zu streams and %zu idle connections: exit %d after %lld ms\n",
                kStreams, kIdle, exit_code, static_cast<long long>(took.count()));
    ASSERT_EQ(exit_code, 0) << server.output();
    EXPECT_EQ(server.output().find("still busy"), std::string::npos)
        << "streams or idle connections held the shutdown to its deadline:\n"
        << server.output();
    for (std::size_t i = 0; i < kStreams; ++i) {
        EXPECT_TRUE(streams[i].closed_by_server(1s)) << "stream " << i;
    }
    for (std::size_t i = 0; i < kIdle; ++i) {
        EXPECT_TRUE(idle[i].closed_by_server(1s)) << "idle " << i;
    }
}

}  // namespace
}  // namespace orderflow::test
