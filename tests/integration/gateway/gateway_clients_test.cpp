// The gateway with GATEWAY_CLIENTS_FILE against the shared stack: the order and customer routes
// need a client's Bearer token (401 with WWW-Authenticate and our error body otherwise), health,
// metrics and the API document stay open, and each client has its own Idempotency-Keys.
#include "gateway/idempotency.h"
#include "gateway/sha256.h"
#include "integration/gateway/gateway_harness.h"
#include "redis/connection.h"
#include "redis/redis_url.h"

#include <gtest/gtest.h>

#include <fstream>

namespace orderflow::test {
namespace {

const std::string kShopToken = "shop-token-for-the-gateway-test";
const std::string kPartnerToken = "partner-token-for-the-gateway-test";

std::map<std::string, std::string> bearer(const std::string& token,
                                          const std::string& idempotency_key = "") {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
    if (!idempotency_key.empty()) {
        headers["Idempotency-Key"] = idempotency_key;
    }
    return headers;
}

std::string clients_file(const Pipeline& pipeline) {
    const auto path = pipeline.work_dir + "/gateway-clients";
    std::ofstream out(path);
    out << "# written by gateway_clients_test\n"
        << "shop: " << gateway::sha256_hex(kShopToken) << "\n"
        << "partner: " << gateway::sha256_hex(kPartnerToken) << "\n";
    return path;
}

void expect_unauthorized(const GatewayReply& reply) {
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.www_authenticate, R"(Bearer realm="orderflow-gateway")");
    EXPECT_EQ(reply.json()["error"]["code"], "unauthorized");
    EXPECT_EQ(reply.json()["error"]["field"], "Authorization");
}

TEST(GatewayClients, OrdersNeedAClientsTokenAndEachClientHasItsOwnIdempotencyKeys) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    // The gateway does not create the topic; the consumer does.
    auto consumer = pipeline.start_consumer(true);
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    GatewayProcess gateway(pipeline, {{"GATEWAY_CLIENTS_FILE", clients_file(pipeline)}});
    const auto body = order_body("cust-gw-clients").dump();

    expect_unauthorized(gateway.post("/v1/orders", body));
    expect_unauthorized(gateway.post("/v1/orders", body, bearer("not-a-client")));
    expect_unauthorized(
        gateway.post("/v1/orders", body, {{"Authorization", "Basic " + kShopToken}}));
    // The file's hash is not a token.
    expect_unauthorized(gateway.post("/v1/orders", body, bearer(gateway::sha256_hex(kShopToken))));
    const auto some_order = "/v1/orders/7b0c1f9e-1111-4a2b-8c3d-000000000001";
    expect_unauthorized(gateway.get(some_order));
    expect_unauthorized(gateway.get("/v1/customers/cust-gw-clients"));
    EXPECT_EQ(gateway.get(some_order, bearer(kPartnerToken)).status, 404);
    EXPECT_EQ(gateway.get("/health").status, 200);
    EXPECT_EQ(gateway.get("/v1/openapi.json").status, 200);
    const auto metrics = gateway.get("/metrics");
    EXPECT_EQ(metric_value(metrics.body,
                           R"(orderflow_gateway_requests_total{route="post_order",status="401"})"),
              4);

    // One key, two clients: two orders, neither a 409 nor the other's replay.
    const auto key = unique_name("shared-key");
    const auto shop = gateway.post("/v1/orders", body, bearer(kShopToken, key));
    ASSERT_EQ(shop.status, 201) << shop.body << gateway.output();
    auto partner_body = order_body("cust-gw-clients");
    partner_body["currency"] = "USD";
    const auto partner =
        gateway.post("/v1/orders", partner_body.dump(), bearer(kPartnerToken, key));
    ASSERT_EQ(partner.status, 201) << partner.body;
    EXPECT_TRUE(partner.replayed.empty());
    EXPECT_NE(partner.json()["order_id"], shop.json()["order_id"]);
    // Within one client the key still holds its first order.
    const auto again = gateway.post("/v1/orders", body, bearer(kShopToken, key));
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.replayed, "true");
    EXPECT_EQ(again.json()["order_id"], shop.json()["order_id"]);
    EXPECT_EQ(gateway.post("/v1/orders", partner_body.dump(), bearer(kShopToken, key)).status, 409);

    // Each client's record under its own name in Redis, none under the unscoped one.
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", shared_stack().redis_url));
    for (const auto* client : {"shop", "partner"}) {
        EXPECT_EQ(redis.command({"EXISTS", gateway::idempotency_redis_key(client, key)}).integer, 1)
            << client;
    }
    EXPECT_EQ(redis.command({"EXISTS", gateway::idempotency_redis_key("", key)}).integer, 0);
}

}  // namespace
}  // namespace orderflow::test
