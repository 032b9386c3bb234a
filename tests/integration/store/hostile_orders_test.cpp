// Order values that used to leave half an order in Redis, through both real consumers: each is
// stored exactly or dead-lettered with its reason, and `orderflow audit` finds nothing wrong.

#include "integration/pipeline/pipeline_harness.h"
#include "orders/generator.h"
#include "redis/key_names.h"
#include "redis/store_call.h"
#include "registry_client/registry_client.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

struct Hostile {
    orders::Order order;
    std::string kind;  ///< dlq.error, empty when it is stored
    std::string reason_part;
};

std::vector<Hostile> hostile_orders(orders::OrderGenerator& generator) {
    std::vector<Hostile> out;
    for (int i = 0; i < 2; ++i) {  // together they overflowed total_spent_cents
        auto rich = generator.next();
        rich.customer_id = "rich";
        rich.items = {{"SKU-1", "Gold", 1, 9'200'000'000'000'000'000}};
        rich.total_cents = 9'200'000'000'000'000'000;
        out.push_back({rich, "invalid-order", "unit price 9200000000000000000 is above"});
    }
    auto c1 = generator.next();
    c1.customer_id = "c1";
    out.push_back({c1, "", ""});
    auto c1_orders = generator.next();  // named its key like c1's sorted set
    c1_orders.customer_id = "c1:orders";
    out.push_back({c1_orders, "", ""});
    auto empty_id = generator.next();
    empty_id.order_id.clear();
    out.push_back({empty_id, "invalid-order", "order_id '' is not a UUID"});
    auto long_customer = generator.next();
    long_customer.customer_id = std::string(200 * 1024, 'c');
    out.push_back({long_customer, "invalid-order", "customer_id of 204800 bytes"});
    auto negative = generator.next();
    negative.items[0].unit_price_cents = -500;
    negative.total_cents = orders::items_total_cents(negative);
    out.push_back({negative, "invalid-order", "unit price -500 is negative"});
    auto conflicting = generator.next();  // c1's id, other content
    conflicting.order_id = c1.order_id;
    conflicting.customer_id = "c1";
    conflicting.items = {{"SKU-OTHER", "Other", 1, 1}};
    conflicting.total_cents = 1;
    out.push_back({conflicting, "conflicting-duplicate",
                   "order " + c1.order_id + " is stored with another items"});
    return out;
}

TEST(HostileOrders, EachIsStoredExactlyOrDeadLetteredWithItsReasonAndTheAuditIsClean) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false);
    registry_client::RegistryClient client(registry.url());
    const int id = client.register_schema(pipeline.topic + "-value", serde::kOrderSchemaJson);
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    orders::OrderGenerator generator(41);
    const auto hostile = hostile_orders(generator);
    std::map<std::int64_t, const Hostile*> by_offset;  // one key: one partition, in order
    for (const auto& h : hostile) {
        const auto [partition, offset] =
            produce_raw(pipeline.topic, "hostile", serde::frame(id, encoder.encode(h.order)));
        by_offset[offset] = &h;
    }
    // 20 messages in all: two full batches for the batch consumer.
    ASSERT_EQ(pipeline.run("produce --count 12 --interval 10ms --seed 4").exit_code, 0);

    const auto audit = pipeline.audit_until_clean(seconds(120));
    ASSERT_EQ(audit.exit_code, 0) << audit.output << auto_consumer->output()
                                  << batch_consumer->output();
    EXPECT_NE(audit.output.find("14 distinct order(s), 6 invalid"), std::string::npos)
        << audit.output;

    const auto dead = read_topic(pipeline.dlq_topic, 12, seconds(60));
    ASSERT_EQ(dead.size(), 12U);  // six per group
    for (const auto& message : dead) {
        const auto offset = std::stoll(message.headers.at("dlq.source.offset"));
        ASSERT_TRUE(by_offset.contains(offset)) << offset;
        const auto& h = *by_offset.at(offset);
        EXPECT_EQ(message.headers.at("dlq.error"), h.kind) << message.headers.at("dlq.reason");
        EXPECT_NE(message.headers.at("dlq.reason").find(h.reason_part), std::string::npos)
            << message.headers.at("dlq.reason");
    }
    const auto& c1 = hostile[2].order;
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        EXPECT_EQ(redis_customer_int(group, "c1", "total_spent_cents"), c1.total_cents);
        EXPECT_EQ(redis_customer_int(group, "c1:orders", "orders_count"), 1);
        EXPECT_EQ(redis_order_field(group, c1.order_id, "items"),
                  redis::order_fields(c1)[2].second);
        EXPECT_EQ(redis_count_keys(redis::customer_key_prefix(group) + "*:rich*"), 0U);
    }
}

}  // namespace
}  // namespace orderflow::test
