// A connection flood past REGISTRY_HTTP_MAX_CONNECTIONS on a real registry: every connection
// over the cap is answered 503 at once (or closed), none hangs, and the clients that were
// already connected keep being served throughout.
#include "integration/registry/registry_process.h"
#include "support/raw_http.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <future>

namespace orderflow::registry::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kCap = 64;
constexpr std::size_t kEstablished = 48;
constexpr std::size_t kFlood = 400;

TEST(ConnectionFlood, OverTheCapIsRefusedAtOnceAndEstablishedClientsKeepWorking) {
    ASSERT_GE(test::raise_open_file_limit(4096), kEstablished + kFlood + 64);
    RegistryNames names;
    RegistryProcess registry(names, test::free_port(),
                             {{"REGISTRY_HTTP_MAX_CONNECTIONS", std::to_string(kCap)}});
    std::vector<test::RawConnection> established;
    for (std::size_t i = 0; i < kEstablished; ++i) {
        established.emplace_back(registry.port());
        ASSERT_TRUE(established.back().send(test::raw_get("/subjects")));
        const auto reply = established.back().read_reply(10s);
        ASSERT_TRUE(reply && reply->status == 200) << "established " << i;
    }

    // The established clients keep asking while the flood runs.
    std::atomic<bool> flooding{true};
    auto traffic = std::async(std::launch::async, [&] {
        std::size_t answered = 0;
        std::size_t failed = 0;
        while (flooding) {
            for (auto& connection : established) {
                const bool ok = connection.send(test::raw_get("/subjects")) && [&] {
                    const auto reply = connection.read_reply(5s);
                    return reply && reply->status == 200;
                }();
                ok ? ++answered : ++failed;
            }
        }
        return std::pair{answered, failed};
    });

    std::vector<test::RawConnection> flood;
    std::size_t refused = 0;
    std::size_t served = 0;
    std::size_t hung = 0;
    for (std::size_t i = 0; i < kFlood; ++i) {
        flood.emplace_back(registry.port());  // kept open: the count stays over the cap
        auto& connection = flood.back();
        connection.send(test::raw_get("/subjects"));
        const auto reply = connection.read_reply(5s);
        if (reply && reply->status == 503) {
            ++refused;
            EXPECT_NE(reply->body.find("\"error_code\":503"), std::string::npos) << reply->body;
        } else if (reply && reply->status == 200) {
            ++served;  // under the cap
        } else if (!connection.closed_by_server(0ms)) {
            ++hung;
        }
    }
    flooding = false;
    const auto [answered, failed] = traffic.get();
    std::printf(
        "flood of %zu: %zu refused with 503, %zu served (under the cap of %zu), %zu hung; "
        "established clients: %zu answered, %zu failed meanwhile\n",
        kFlood, refused, served, kCap, hung, answered, failed);
    EXPECT_EQ(hung, 0u);
    EXPECT_LE(served, kCap - kEstablished);
    EXPECT_GE(refused, kFlood - (kCap - kEstablished));
    EXPECT_EQ(failed, 0u);
    EXPECT_GT(answered, kEstablished);

    flood.clear();  // slots free up: a fresh client is served again
    EXPECT_TRUE(test::wait_until(
        [&] {
            test::RawConnection fresh(registry.port());
            const auto reply =
                fresh.send(test::raw_get("/subjects")) ? fresh.read_reply(5s) : std::nullopt;
            return reply && reply->status == 200;
        },
        30s, 200ms));
    EXPECT_TRUE(registry.process().running()) << registry.process().output();
}

}  // namespace
}  // namespace orderflow::registry::testing
