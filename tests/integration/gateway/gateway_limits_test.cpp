// The gateway's limits against a Kafka that does not answer: a broker address that accepts
// connections and never replies (as a hung or cut-off broker does), so an order is held until
// GATEWAY_ACK_TIMEOUT. Meanwhile the in-flight limit answers 429; at the deadline, 503; a
// SIGTERM still answers the order it holds before the gateway exits.
#include "integration/gateway/gateway_harness.h"

#include <gtest/gtest.h>

#include <future>

namespace orderflow::test {
namespace {

// True once the gateway reports one order waiting for Kafka (within 10 s).
bool holds_one_order(const GatewayProcess& gateway) {
    return wait_until(
        [&] {
            return metric_value(gateway.get("/metrics").body,
                                "orderflow_gateway_orders_in_flight") == 1;
        },
        std::chrono::seconds(10));
}

TEST(GatewayLimits, InFlightLimitAnswers429AndKafkasSilence503) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    SilentListener broker;
    GatewayProcess gateway(
        pipeline, {{"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + std::to_string(broker.port())},
                   {"GATEWAY_MAX_IN_FLIGHT", "1"},
                   {"GATEWAY_ACK_TIMEOUT", "3s"},
                   // Nothing listens there: reads cannot be answered.
                   {"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port()) + "/0"}});
    auto held = std::async(std::launch::async, [&] {
        return gateway.post("/v1/orders", order_body("cust-held").dump());
    });
    ASSERT_TRUE(holds_one_order(gateway));

    const auto refused = gateway.post("/v1/orders", order_body("cust-second").dump());
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(refused.retry_after, "1");
    EXPECT_EQ(refused.json()["error"]["code"], "too_many_in_flight");

    const auto timed_out = held.get();
    EXPECT_EQ(timed_out.status, 503) << timed_out.body;
    EXPECT_EQ(timed_out.retry_after, "5");
    EXPECT_EQ(timed_out.json()["error"]["code"], "kafka_unavailable");
    // The slot is free again: the next order is taken (and held) rather than refused.
    EXPECT_EQ(metric_value(gateway.get("/metrics").body, "orderflow_gateway_orders_in_flight"), 0);

    const auto read = gateway.get("/v1/orders/0f8fad5b-d9cb-469f-a165-70867728950e");
    EXPECT_EQ(read.status, 503) << read.body;
    EXPECT_EQ(read.json()["error"]["code"], "redis_unavailable");
    EXPECT_EQ(read.body.find("redis://"), std::string::npos);
    EXPECT_EQ(gateway.get("/health").json()["redis"], "down");

    // SIGTERM with an order held: it is answered (Kafka never acknowledged it), then the gateway
    // exits 0.
    auto last = std::async(std::launch::async, [&] {
        return gateway.post("/v1/orders", order_body("cust-last").dump());
    });
    ASSERT_TRUE(holds_one_order(gateway));
    EXPECT_EQ(gateway.stop(), 0) << gateway.output();
    EXPECT_EQ(last.get().status, 503);
}

TEST(GatewayLimits, BadSettingStopsAtStartNamingIt) {
    const std::map<std::string, std::string> settings[] = {
        {{"GATEWAY_MAX_IN_FLIGHT", "0"}},
        {{"GATEWAY_LISTEN", "127.0.0.1"}},
        {{"GATEWAY_ACK_TIMEOUT", "100ms"}},
        {{"GATEWAY_GROUPS", "orders-auto,,orders-batch"}},
        {{"GATEWAY_MAX_WAIT", "2m"}},  // past the handler budget's 60 s
        {{"GATEWAY_CLIENTS_FILE", "/nonexistent/gateway-clients"}},
        {{"GATEWAY_CLIENTS_FILE", "/etc/hostname"}}};  // a line that is not 'client: sha256'
    for (const auto& env : settings) {
        const auto result = run_orderflow("gateway", env);
        EXPECT_EQ(result.exit_code, 2) << result.output;
        const auto named = env.begin()->first == "GATEWAY_MAX_WAIT" ? "GATEWAY_HTTP_HANDLER_BUDGET"
                                                                    : env.begin()->first;
        EXPECT_NE(result.output.find(named), std::string::npos) << result.output;
    }
}

}  // namespace
}  // namespace orderflow::test
