// An order placed over HTTP: 201 once Kafka acknowledged it, then read back as each consumer
// group stored it; bad orders answered 4xx with their field; reads of unstored orders.
#include "integration/gateway/gateway_harness.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

TEST(Gateway, PlacedOrderIsReadBackAsBothGroupsStoredIt) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    // One order is a partial batch: written after a second instead of waiting for nine more.
    auto batch_consumer = pipeline.start_consumer(false, {{"BATCH_TIMEOUT", "1s"}});
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    GatewayProcess gateway(pipeline);

    const auto placed = gateway.post("/v1/orders", order_body("cust-gw-1").dump());
    ASSERT_EQ(placed.status, 201) << placed.body << gateway.output();
    const auto order = placed.json();
    const std::string id = order["order_id"];
    EXPECT_EQ(placed.location, "/v1/orders/" + id);
    EXPECT_EQ(order["total_cents"], 2 * 1899 + 1250);
    EXPECT_EQ(order["status"], "PLACED");
    // Acknowledged means in the topic: one record, keyed by the customer.
    const auto records = read_topic(pipeline.topic, 1, std::chrono::seconds(30));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].key.value_or(""), "cust-gw-1");

    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        const auto stored = gateway.get(placed.location + "?group=" + group + "&wait=30s");
        ASSERT_EQ(stored.status, 200) << group << ": " << stored.body;
        const auto answer = stored.json();
        EXPECT_EQ(answer["group"], group);
        for (const char* field : {"order_id", "customer_id", "items", "total_cents", "currency",
                                  "created_at", "payment_method", "shipping_country"}) {
            EXPECT_EQ(answer[field], order[field]) << group << " " << field;
        }
        EXPECT_EQ(answer["kafka"]["topic"], pipeline.topic);
        EXPECT_EQ(answer["kafka"]["partition"], records[0].partition);
    }
    // Without ?group the first of GATEWAY_GROUPS answers, at once now that it is stored.
    EXPECT_EQ(gateway.get(placed.location).status, 200);

    // The customer as each group stored it: one order, its total, the order listed.
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        const auto customer = gateway.get("/v1/customers/cust-gw-1?group=" + group);
        ASSERT_EQ(customer.status, 200) << group << ": " << customer.body;
        const auto answer = customer.json();
        EXPECT_EQ(answer["customer_id"], "cust-gw-1");
        EXPECT_EQ(answer["group"], group);
        EXPECT_EQ(answer["orders_count"], 1);
        EXPECT_EQ(answer["total_spent_cents"], order["total_cents"]);
        ASSERT_EQ(answer["latest_orders"].size(), 1u);
        EXPECT_EQ(answer["latest_orders"][0]["order_id"], id);
        EXPECT_EQ(answer["latest_orders"][0]["created_at"], order["created_at"]);
    }
    EXPECT_EQ(gateway.get("/v1/customers/cust-gw-none").status, 404);
    EXPECT_EQ(gateway.get("/v1/customers/cust-gw-1?latest=0").status, 400);
    EXPECT_EQ(gateway.get("/v1/customers/cust-gw-1?latest=101").status, 400);
    EXPECT_EQ(gateway.get("/v1/customers/cust-gw-1?group=someone-else").status, 400);
    EXPECT_EQ(gateway.get("/v1/customers/" + std::string(257, 'c')).status, 400);

    const auto metrics = gateway.get("/metrics").body;
    EXPECT_EQ(metric_value(metrics,
                           R"(orderflow_gateway_requests_total{route="post_order",status="201"})"),
              1);
    EXPECT_EQ(metric_value(metrics, "orderflow_gateway_ack_seconds_count"), 1);
    EXPECT_EQ(metric_value(metrics, "orderflow_gateway_orders_in_flight"), 0);
    const auto openapi = gateway.get("/v1/openapi.json");
    ASSERT_EQ(openapi.status, 200);
    EXPECT_EQ(openapi.json()["openapi"], "3.0.3");
    EXPECT_TRUE(openapi.json()["paths"].contains("/v1/orders/{id}"));
}

TEST(Gateway, BadOrdersAreRefusedWithTheirField) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    GatewayProcess gateway(pipeline, {{"GATEWAY_MAX_BODY_BYTES", "2048"}});

    auto body = order_body("cust-gw-2");
    body["items"][1]["quantity"] = 0;
    auto reply = gateway.post("/v1/orders", body.dump());
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.json()["error"]["field"], "items[1].quantity");
    EXPECT_EQ(reply.json()["error"]["code"], "invalid_value");

    body = order_body("cust-gw-2");
    body["order_id"] = "chosen-by-the-client";
    reply = gateway.post("/v1/orders", body.dump());
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.json()["error"]["code"], "unknown_field");
    EXPECT_EQ(reply.json()["error"]["field"], "order_id");

    body = order_body("cust-gw-2");
    body["currency"] = "euro";
    reply = gateway.post("/v1/orders", body.dump());
    EXPECT_EQ(reply.json()["error"]["field"], "currency");

    reply = gateway.post("/v1/orders", "{\"customer_id\":");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.json()["error"]["code"], "invalid_json");

    reply = gateway.post("/v1/orders", std::string(4096, ' '));
    EXPECT_EQ(reply.status, 413);
    EXPECT_EQ(reply.json()["error"]["code"], "too_large");

    // None of them reached Kafka.
    const auto metrics = gateway.get("/metrics").body;
    EXPECT_EQ(metric_value(metrics, "orderflow_gateway_ack_seconds_count"), 0);
    EXPECT_EQ(metric_value(metrics,
                           R"(orderflow_gateway_requests_total{route="post_order",status="400"})"),
              4);
}

TEST(Gateway, UnstoredOrdersAre404AndAWaitEndsIn504) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    GatewayProcess gateway(pipeline);
    const std::string missing = "/v1/orders/0f8fad5b-d9cb-469f-a165-70867728950e";

    auto reply = gateway.get(missing + "?group=" + pipeline.batch_group);
    EXPECT_EQ(reply.status, 404);
    EXPECT_EQ(reply.json()["error"]["code"], "not_found");
    reply = gateway.get(missing + "?wait=1s");
    EXPECT_EQ(reply.status, 504);
    EXPECT_EQ(reply.json()["error"]["code"], "not_stored_in_time");

    reply = gateway.get(missing + "?group=someone-else");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.json()["error"]["field"], "group");
    // Too long, and too long to count in milliseconds (a wrapped count once passed the check).
    for (const char* wait : {"1h", "9223372036854775807s", "153722867280913m"}) {
        reply = gateway.get(missing + "?wait=" + wait);
        EXPECT_EQ(reply.status, 400) << wait << ": " << reply.body;
        EXPECT_EQ(reply.json()["error"]["field"], "wait");
    }
    reply = gateway.get("/v1/orders/not-a-uuid");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.json()["error"]["field"], "id");
}

}  // namespace
}  // namespace orderflow::test
