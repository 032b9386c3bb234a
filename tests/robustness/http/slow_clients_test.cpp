// 500 slowloris connections plus 200 idle keep-alive connections on a real registry and on a
// real consumer's status server for 20 s: fresh clients are answered every time meanwhile, and
// every slow connection is closed by the server (REGISTRY_HTTP_HEAD_TIMEOUT, default 10 s).
#include "integration/pipeline/pipeline_harness.h"
#include "integration/registry/registry_process.h"
#include "robustness/http/slow_load.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <future>

namespace orderflow::registry::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kSlow = 500;
constexpr std::size_t kIdle = 200;
constexpr auto kHold = 20s;
// Generous: proves "answered, not stalled", not a speed (speed is in scripts/bench-http.sh).
constexpr auto kAnswerWithin = 2000ms;

void report(const char* what, const test::ProbeResult& result) {
    std::printf("%s: %zu answered, %zu not within %lld ms; p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                what, result.latencies_ms.size(), result.failures,
                static_cast<long long>(kAnswerWithin.count()), result.percentile(50),
                result.percentile(99), result.percentile(100));
}

TEST(SlowClients, FreshClientsAreAnsweredWhileSlowAndIdleConnectionsPileUp) {
    ASSERT_GE(test::raise_open_file_limit(8192), 2 * (kSlow + kIdle) + 256);
    RegistryNames names;
    RegistryProcess registry(names);
    const auto registered = registry.request("POST", "/subjects/slow-value/versions",
                                             schema_body(record_schema("Slow")));
    ASSERT_EQ(registered.status, 200) << registered.body;
    const auto id = Json::parse(registered.body).at("id").get<int>();
    const auto by_id = "/schemas/ids/" + std::to_string(id);

    test::Pipeline pipeline(registry.url());
    const auto status_port = test::free_port();
    auto consumer = pipeline.start_consumer(true, {{"METRICS_PORT", std::to_string(status_port)}});
    ASSERT_TRUE(
        test::wait_until([&] { return test::answer_status(status_port, "/health", 2s) != 0; }, 60s))
        << consumer->output();

    test::SlowLoad registry_load(registry.port(), kSlow, kIdle, by_id);
    test::SlowLoad consumer_load(status_port, kSlow, kIdle, "/health");
    registry_load.start();
    consumer_load.start();

    std::atomic<bool> stop{false};
    auto registry_probe = std::async(std::launch::async, [&] {
        return test::probe_until(registry.port(), by_id, 50ms, kAnswerWithin, stop);
    });
    auto health_probe = std::async(std::launch::async, [&] {
        return test::probe_until(status_port, "/health", 200ms, kAnswerWithin, stop);
    });
    std::this_thread::sleep_for(kHold);
    stop = true;
    const auto by_id_result = registry_probe.get();
    const auto health_result = health_probe.get();
    report("registry GET /schemas/ids/{id}", by_id_result);
    report("consumer GET /health", health_result);
    std::printf(
        "slow connections closed by the server during the hold: registry %zu, consumer %zu\n",
        registry_load.closed_by_server(), consumer_load.closed_by_server());

    EXPECT_EQ(by_id_result.failures, 0u);
    EXPECT_GE(by_id_result.latencies_ms.size(), 50u);  // it kept asking, and was answered
    EXPECT_EQ(health_result.failures, 0u);
    EXPECT_GE(health_result.latencies_ms.size(), 20u);
    // The first 500 reached the head deadline during the hold, and their replacements too.
    EXPECT_GE(registry_load.closed_by_server(), kSlow);
    EXPECT_GE(consumer_load.closed_by_server(), kSlow);
    // The idle keep-alive connections, idle since before the hold, are still open (idle timeout
    // 30 s) and still served.
    EXPECT_EQ(registry_load.idle_still_answering(), kIdle);
    EXPECT_EQ(consumer_load.idle_still_answering(), kIdle);
    // Every slow connection still open is closed by the server, though it keeps trickling.
    EXPECT_EQ(registry_load.wait_until_slow_closed(30s), 0u);
    EXPECT_EQ(consumer_load.wait_until_slow_closed(30s), 0u);
    EXPECT_TRUE(registry.process().running()) << registry.process().output();
    EXPECT_TRUE(consumer->running()) << consumer->output();
}

}  // namespace
}  // namespace orderflow::registry::testing
