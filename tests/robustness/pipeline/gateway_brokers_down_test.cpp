// The gateway with two of three brokers killed (private cluster): orders are answered 503 with
// Retry-After at GATEWAY_ACK_TIMEOUT, never 201 and never held without bound; once the brokers
// are back the same requests (same Idempotency-Keys) are 201 with their first ids, and each
// order is stored once by both groups, whatever of the first attempts reached the log.

#include "integration/gateway/gateway_harness.h"
#include "redis/connection.h"
#include "redis/redis_url.h"
#include "robustness/pipeline/private_cluster.h"

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <iostream>
#include <memory>
#include <set>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

constexpr int kOrders = 6;

std::string stat_of(const std::string& group, const std::string& field) {
    return std::to_string(redis_stat(group, field));
}

TEST(GatewayBrokersDown, TwoOfThreeBrokersDownAre503AndTheRetriesAreStoredOnce) {
    auto& cluster = private_cluster();
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const std::map<std::string, std::string> kafka = {
        {"KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrap_servers()}};
    auto auto_consumer = pipeline.start_consumer(true, kafka);
    auto batch_consumer = pipeline.start_consumer(
        false, {{"KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrap_servers()}, {"BATCH_TIMEOUT", "1s"}});
    const std::map<std::string, std::string> gateway_env = {
        {"KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrap_servers()}, {"GATEWAY_ACK_TIMEOUT", "5s"}};
    auto gateway = std::make_unique<GatewayProcess>(pipeline, gateway_env);
    // The consumers made the topic: an order goes through before the fault.
    ASSERT_TRUE(wait_until(
        [&] { return gateway->post("/v1/orders", order_body("cust-down-0").dump()).status == 201; },
        seconds(90), std::chrono::milliseconds(1000)))
        << gateway->output();

    cluster.kill_node(2, SIGKILL);
    cluster.kill_node(3, SIGKILL);
    // All at once: each waits for its acknowledgement up to GATEWAY_ACK_TIMEOUT.
    std::vector<std::string> keys;
    std::vector<std::future<GatewayReply>> replies;
    for (int i = 0; i < kOrders; ++i) {
        keys.push_back(unique_name("down-" + std::to_string(i)));
        replies.push_back(std::async(std::launch::async, [&gateway, key = keys.back(), i] {
            return gateway->post("/v1/orders",
                                 order_body("cust-down-" + std::to_string(i % 3)).dump(),
                                 {{"Idempotency-Key", key}});
        }));
    }
    for (auto& reply : replies) {
        const auto refused = reply.get();
        EXPECT_EQ(refused.status, 503) << refused.body;
        EXPECT_EQ(refused.retry_after, "5");
        if (refused.status == 503) {
            EXPECT_EQ(refused.json()["error"]["code"], "kafka_unavailable");
        }
    }
    cluster.start_node(2);
    cluster.start_node(3);
    // A fatal idempotence error after the timeouts stops the gateway (exit 70) for its
    // supervisor to start a new one: do what supervisord does.
    if (!gateway->running()) {
        const int code = gateway->stop();
        std::cout << "the gateway exited with " << code << " during the outage; starting another\n";
        EXPECT_EQ(code, 70) << gateway->output();
        gateway = std::make_unique<GatewayProcess>(pipeline, gateway_env);
    }

    // The same requests again: the first ids, each stored once by both groups.
    std::set<std::string> ids;
    for (int i = 0; i < kOrders; ++i) {
        GatewayReply placed;
        ASSERT_TRUE(wait_until(
            [&] {
                placed = gateway->post("/v1/orders",
                                       order_body("cust-down-" + std::to_string(i % 3)).dump(),
                                       {{"Idempotency-Key", keys[i]}});
                return placed.status == 201;
            },
            seconds(120), std::chrono::milliseconds(1000)))
            << placed.status << " " << placed.body << "\n"
            << gateway->output();
        EXPECT_EQ(placed.replayed, "true");
        ids.insert(placed.json()["order_id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kOrders));
    for (const auto& id : ids) {
        for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
            const auto stored = gateway->get("/v1/orders/" + id + "?wait=30s&group=" + group);
            EXPECT_EQ(stored.status, 200) << group << " " << id << ": " << stored.body;
        }
    }
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        EXPECT_EQ(stat_of(group, "processed"), std::to_string(kOrders + 1)) << group;
        std::cout << group << ": " << kOrders + 1 << " orders stored, "
                  << stat_of(group, "duplicates_skipped")
                  << " records of an order it held skipped\n";
    }
    const auto audit = pipeline.audit_until_clean(seconds(120), kafka);
    EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

}  // namespace
}  // namespace orderflow::test
