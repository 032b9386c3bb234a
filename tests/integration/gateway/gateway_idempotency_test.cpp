// POST /v1/orders with an Idempotency-Key against the shared stack: the same key and order get
// the first order back, also from a gateway started since; another order under the key is 409;
// an order Kafka never acknowledged is sent again with its id and stored once; a bad key is 400;
// a record that is not one is 500 and Redis out of reach is 503, nothing sent; a mark Redis
// missed sends the order again, stored once; keyed orders past the limit while Redis is frozen
// are 429; the store itself takes a key once and outlives a callback that throws.
#include "gateway/idempotency.h"
#include "gateway/idempotency_store.h"
#include "integration/gateway/gateway_harness.h"
#include "redis/connection.h"
#include "redis/redis_url.h"

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <optional>
#include <thread>

namespace orderflow::test {
namespace {

std::map<std::string, std::string> keyed(const std::string& key) {
    return {{"Idempotency-Key", key}};
}

// How many records of `topic` carry `customer` as their key, once at least `expected` records
// are in the topic.
std::size_t records_of(const std::string& topic,
                       const std::string& customer,
                       std::size_t expected) {
    std::size_t found = 0;
    for (const auto& record : read_topic(topic, expected, std::chrono::seconds(30))) {
        found += record.key.value_or("") == customer ? 1 : 0;
    }
    return found;
}

// The topic holds one record of `customer` (once `expected` records are in it), and the consumer
// stored order `id`.
void expect_one_order(const GatewayProcess& gateway,
                      const Pipeline& pipeline,
                      const std::string& customer,
                      const std::string& id,
                      std::size_t expected) {
    EXPECT_EQ(records_of(pipeline.topic, customer, expected), 1u);
    const auto stored = gateway.get("/v1/orders/" + id + "?wait=30s");
    EXPECT_EQ(stored.status, 200) << stored.body;
}

TEST(GatewayIdempotency, SameKeyAndOrderGetTheFirstOrderAcrossARestartAnotherOrderIs409) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    const auto key = unique_name("order-key");
    const auto body = order_body("cust-idem");

    std::string id;
    {
        GatewayProcess gateway(pipeline);
        const auto first = gateway.post("/v1/orders", body.dump(), keyed(key));
        ASSERT_EQ(first.status, 201) << first.body << gateway.output();
        EXPECT_EQ(first.replayed, "");
        id = first.json()["order_id"];

        // The same order, spaced and ordered differently: the first order, not a second one.
        const auto again = gateway.post("/v1/orders", body.dump(2), keyed(key));
        ASSERT_EQ(again.status, 201) << again.body;
        EXPECT_EQ(again.replayed, "true");
        EXPECT_EQ(again.json()["order_id"], id);
        EXPECT_EQ(again.json()["created_at"], first.json()["created_at"]);
        EXPECT_EQ(again.location, "/v1/orders/" + id);

        auto other = body;
        other["items"][0]["quantity"] = 3;
        const auto conflict = gateway.post("/v1/orders", other.dump(), keyed(key));
        EXPECT_EQ(conflict.status, 409) << conflict.body;
        EXPECT_EQ(conflict.json()["error"]["code"], "idempotency_key_reused");
        EXPECT_EQ(conflict.json()["error"]["field"], "Idempotency-Key");
        EXPECT_NE(conflict.body.find(id), std::string::npos) << conflict.body;
        EXPECT_EQ(gateway.stop(), 0);
    }

    GatewayProcess restarted(pipeline);
    const auto after = restarted.post("/v1/orders", body.dump(), keyed(key));
    ASSERT_EQ(after.status, 201) << after.body << restarted.output();
    EXPECT_EQ(after.json()["order_id"], id);
    EXPECT_EQ(after.replayed, "true");

    // Without a key every request is an order of its own.
    const auto free_body = order_body("cust-free").dump();
    const auto one = restarted.post("/v1/orders", free_body);
    const auto two = restarted.post("/v1/orders", free_body);
    ASSERT_EQ(one.status, 201);
    ASSERT_EQ(two.status, 201);
    EXPECT_NE(one.json()["order_id"], two.json()["order_id"]);

    expect_one_order(restarted, pipeline, "cust-idem", id, 3);
}

TEST(GatewayIdempotency, AnOrderKafkaDidNotAcknowledgeIsSentAgainWithItsIdAndStoredOnce) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    const auto key = unique_name("order-key");
    const auto body = order_body("cust-resent").dump();

    // A broker that never answers: the order's record is held in Redis, Kafka never takes it.
    std::string message;
    {
        SilentListener broker;
        GatewayProcess stuck(
            pipeline, {{"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + std::to_string(broker.port())},
                       {"GATEWAY_ACK_TIMEOUT", "2s"}});
        const auto refused = stuck.post("/v1/orders", body, keyed(key));
        ASSERT_EQ(refused.status, 503) << refused.body << stuck.output();
        message = refused.json()["error"]["message"];
    }
    const auto id_at = message.find("order ") + 6;
    const auto id = message.substr(id_at, 36);
    ASSERT_TRUE(id.size() == 36 && id[8] == '-') << message;

    GatewayProcess gateway(pipeline);
    const auto resent = gateway.post("/v1/orders", body, keyed(key));
    ASSERT_EQ(resent.status, 201) << resent.body << gateway.output();
    EXPECT_EQ(resent.json()["order_id"], id);
    EXPECT_EQ(resent.replayed, "true");
    // Acknowledged now: answered from the record, not sent a third time.
    const auto answered = gateway.post("/v1/orders", body, keyed(key));
    EXPECT_EQ(answered.json()["order_id"], id);
    EXPECT_EQ(metric_value(gateway.get("/metrics").body, "orderflow_gateway_ack_seconds_count"), 1);

    expect_one_order(gateway, pipeline, "cust-resent", id, 1);
}

TEST(GatewayIdempotency, BadKeysAre400AnUnreadableRecord500AndRedisOutOfReach503) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);  // it creates the topic
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    GatewayProcess gateway(pipeline);
    const auto body = order_body("cust-bad-key").dump();

    for (const std::string& key : {std::string(256, 'k'), std::string("caf\xc3\xa9")}) {
        const auto refused = gateway.post("/v1/orders", body, keyed(key));
        EXPECT_EQ(refused.status, 400) << refused.body;
        EXPECT_EQ(refused.json()["error"]["field"], "Idempotency-Key");
    }

    // Something else under the key's Redis name: refused, never taken for a record.
    const auto key = unique_name("order-key");
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", shared_stack().redis_url));
    const auto redis_key = gateway::idempotency_redis_key("", key);
    redis.command({"SET", redis_key, R"({"order_id":"not a record"})", "PX", "60000"});
    const auto unreadable = gateway.post("/v1/orders", body, keyed(key));
    EXPECT_EQ(unreadable.status, 500) << unreadable.body;
    EXPECT_EQ(unreadable.json()["error"]["code"], "idempotency_record_unreadable");
    EXPECT_EQ(redis.command({"GET", redis_key}).str, R"({"order_id":"not a record"})");
    redis.command({"DEL", redis_key});

    GatewayProcess no_redis(
        pipeline, {{"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port()) + "/0"}});
    const auto down = no_redis.post("/v1/orders", body, keyed(unique_name("order-key")));
    EXPECT_EQ(down.status, 503) << down.body;
    EXPECT_EQ(down.retry_after, "5");
    EXPECT_EQ(down.json()["error"]["code"], "redis_unavailable");
    EXPECT_EQ(metric_value(no_redis.get("/metrics").body, "orderflow_gateway_ack_seconds_count"),
              0);
    // Without a key Redis is not needed to take an order.
    EXPECT_EQ(no_redis.post("/v1/orders", body).status, 201);
}

// A mark Redis missed (the order acknowledged, its record still saying not): the next request
// with the key sends the order again with its id, and the consumers store it once.
TEST(GatewayIdempotency, AMissedMarkSendsTheOrderAgainWithItsIdAndItIsStoredOnce) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    GatewayProcess gateway(pipeline);
    const auto key = unique_name("order-key");
    const auto body = order_body("cust-unmarked").dump();
    const auto first = gateway.post("/v1/orders", body, keyed(key));
    ASSERT_EQ(first.status, 201) << first.body;
    const std::string id = first.json()["order_id"];

    redis::Connection redis(redis::parse_redis_url("REDIS_URL", shared_stack().redis_url));
    const auto redis_key = gateway::idempotency_redis_key("", key);
    std::optional<gateway::IdempotencyRecord> held;
    ASSERT_TRUE(wait_until(
        [&] {
            held = gateway::parse_record(redis.command({"GET", redis_key}).str);
            return held && held->acknowledged;
        },
        std::chrono::seconds(10)));
    held->acknowledged = false;  // what a lost SET ... XX KEEPTTL leaves
    redis.command({"SET", redis_key, gateway::encode_record(*held), "XX", "KEEPTTL"});

    const auto again = gateway.post("/v1/orders", body, keyed(key));
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.json()["order_id"], id);
    EXPECT_EQ(again.replayed, "true");
    EXPECT_EQ(records_of(pipeline.topic, "cust-unmarked", 2), 2u);  // sent twice
    EXPECT_EQ(gateway.get("/v1/orders/" + id + "?wait=30s").status, 200);
    EXPECT_TRUE(
        wait_until([&] { return redis_stat(pipeline.auto_group, "duplicates_skipped") == 1; },
                   std::chrono::seconds(30)));
    EXPECT_EQ(redis_stat(pipeline.auto_group, "processed"), 1);
}

// Keyed orders wait for Redis before Kafka: with Redis frozen, GATEWAY_MAX_IN_FLIGHT of them
// wait (then 503 when Redis does not answer) and one more is 429 at once, nothing sent.
TEST(GatewayIdempotency, KeyedOrdersPastTheLimitWhileRedisIsFrozenAre429) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    PrivateRedis frozen(pipeline.work_dir);
    GatewayProcess gateway(pipeline, {{"REDIS_URL", frozen.url()}, {"GATEWAY_MAX_IN_FLIGHT", "2"}});
    const auto body = order_body("cust-frozen").dump();
    frozen.send_signal(SIGSTOP);
    std::vector<std::future<GatewayReply>> waiting;
    for (int i = 0; i < 2; ++i) {
        waiting.push_back(std::async(std::launch::async, [&, i] {
            return gateway.post("/v1/orders", body,
                                keyed(unique_name("frozen-" + std::to_string(i))));
        }));
    }
    // Both claims wait for Redis (each up to the store's 2 s Redis timeout, then 503).
    ASSERT_TRUE(wait_until([&] { return gateway.get("/health").json()["keyed_waiting"] == 2; },
                           std::chrono::seconds(2), std::chrono::milliseconds(20)))
        << gateway.get("/health").body;
    const auto full = gateway.post("/v1/orders", body, keyed(unique_name("frozen-3")));
    EXPECT_EQ(full.status, 429) << full.body;
    EXPECT_EQ(full.retry_after, "1");
    EXPECT_EQ(full.json()["error"]["code"], "too_many_in_flight");
    for (auto& reply : waiting) {
        const auto answered = reply.get();
        EXPECT_EQ(answered.status, 503) << answered.body;
        EXPECT_EQ(answered.json()["error"]["code"], "redis_unavailable");
    }
    frozen.send_signal(SIGCONT);
    EXPECT_EQ(metric_value(gateway.get("/metrics").body, "orderflow_gateway_ack_seconds_count"), 0);
}

// The store on the shared stack's Redis: a claim takes a free key once (the second claim gets
// the first record back), and a callback that throws does not stop the thread the next claim
// is answered on.
TEST(IdempotencyStore, AKeyIsTakenOnceAndAThrowingCallbackDoesNotStopTheStore) {
    gateway::IdempotencyStore store(
        redis::parse_redis_target("REDIS_URL", shared_stack().redis_url), std::chrono::minutes(1),
        8);
    const auto redis_key = gateway::idempotency_redis_key("", unique_name("store-key"));
    const gateway::IdempotencyRecord record{std::string(64, 'a'),
                                            "0f8fad5b-d9cb-469f-a165-70867728950e", 1, false};
    const auto claim = [&](std::function<void(const gateway::IdempotencyStore::Result&)> done) {
        return store.claim({redis_key, record, std::move(done)});
    };

    ASSERT_TRUE(claim([](const auto&) { throw std::runtime_error("a callback that throws"); }));
    std::promise<gateway::IdempotencyStore::Result> second;
    ASSERT_TRUE(claim([&](const auto& result) { second.set_value(result); }));
    auto answered = second.get_future();
    ASSERT_EQ(answered.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    const auto result = answered.get();
    EXPECT_EQ(result.held, gateway::IdempotencyStore::Held::kHeld) << result.error;
    EXPECT_EQ(result.record.order_id, record.order_id);
    EXPECT_FALSE(result.record.acknowledged);
    EXPECT_EQ(store.waiting(), 0u);
}

}  // namespace
}  // namespace orderflow::test
