#include "integration/pipeline/pipeline_harness.h"
#include "orders/generator.h"
#include "registry_client/registry_client.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>

#include <set>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

TEST(Pipeline, PoisonMessagesGoToTheDlqWithTheirReasonAndValidOrdersAroundThemAreStored) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false);
    ASSERT_EQ(pipeline.run("produce --count 5 --interval 10ms --seed 1").exit_code, 0);

    registry_client::RegistryClient client(registry.url());
    const int id = client.register_schema(pipeline.topic + "-value", serde::kOrderSchemaJson);
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    orders::OrderGenerator generator(77);
    const auto good = serde::frame(id, encoder.encode(generator.next()));
    auto negative = generator.next();
    negative.items[0].quantity = -1;
    negative.total_cents = orders::items_total_cents(negative);

    struct Poison {
        std::string value;
        std::string kind;
        std::string reason_part;
    };
    const std::vector<Poison> poisons = {
        {"plain text, not an order", "not-framed", "wrong magic byte 0x70"},
        {"\x01" + good.substr(1), "not-framed", "wrong magic byte 0x01"},
        {serde::frame(987654, good.substr(serde::kHeaderSize)), "unknown-schema",
         "unknown schema id 987654"},
        {good.substr(0, good.size() / 2), "undecodable", "cannot decode"},
        {serde::frame(id, encoder.encode(negative)), "invalid-order",
         "quantity -1 is not positive"},
    };
    std::map<std::int64_t, const Poison*> by_offset;  // all poison goes to one key's partition
    std::int32_t partition = -1;
    for (const auto& poison : poisons) {
        const auto [p, offset] = produce_raw(pipeline.topic, "cust-poison", poison.value);
        partition = p;
        by_offset[offset] = &poison;
    }
    // 20 messages in all: two full batches for the batch consumer.
    ASSERT_EQ(pipeline.run("produce --count 10 --interval 10ms --seed 2").exit_code, 0);

    const auto audit = pipeline.audit_until_clean(seconds(120));
    ASSERT_EQ(audit.exit_code, 0) << audit.output << auto_consumer->output()
                                  << batch_consumer->output();
    EXPECT_NE(audit.output.find("15 distinct order(s), 5 invalid"), std::string::npos)
        << audit.output;

    const auto dead = read_topic(pipeline.dlq_topic, 10, seconds(60));
    ASSERT_EQ(dead.size(), 10U);  // five per group
    std::map<std::string, int> per_group;
    for (const auto& message : dead) {
        ++per_group[message.headers.at("dlq.consumer.group")];
        EXPECT_EQ(message.headers.at("dlq.source.topic"), pipeline.topic);
        EXPECT_EQ(message.headers.at("dlq.source.partition"), std::to_string(partition));
        const auto offset = std::stoll(message.headers.at("dlq.source.offset"));
        ASSERT_TRUE(by_offset.contains(offset)) << offset;
        const auto& poison = *by_offset.at(offset);
        EXPECT_EQ(message.value, poison.value) << "the DLQ keeps the message unchanged";
        EXPECT_EQ(message.key, std::optional<std::string>("cust-poison"));
        EXPECT_EQ(message.headers.at("dlq.error"), poison.kind);
        EXPECT_NE(message.headers.at("dlq.reason").find(poison.reason_part), std::string::npos)
            << message.headers.at("dlq.reason");
    }
    EXPECT_EQ(per_group,
              (std::map<std::string, int>{{pipeline.auto_group, 5}, {pipeline.batch_group, 5}}));
}

std::string valid_order(const std::string& registry_url, const std::string& subject, int seed) {
    registry_client::RegistryClient client(registry_url);
    const int id = client.register_schema(subject, serde::kOrderSchemaJson);
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    orders::OrderGenerator generator(seed);
    return serde::frame(id, encoder.encode(generator.next()));
}

// A decoder failure nobody foresaw (the failpoint throws for one key) dead-letters that
// message with the reason; the batch around it is written and the consumer goes on.
TEST(Pipeline, AnUnexpectedDecodeExceptionDeadLettersTheMessageAndTheConsumerGoesOn) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer =
        pipeline.start_consumer(false, {{"ORDERFLOW_FAILPOINT", "decode-throws:cust-bug"}});
    ASSERT_EQ(pipeline.run("produce --count 5 --interval 10ms --seed 31").exit_code, 0);
    const auto [partition, offset] = produce_raw(
        pipeline.topic, "cust-bug", valid_order(registry.url(), pipeline.topic + "-value", 88));
    ASSERT_EQ(pipeline.run("produce --count 14 --interval 10ms --seed 32").exit_code, 0);

    const auto log_end = log_end_offsets(pipeline.topic);
    ASSERT_TRUE(wait_until(
        [&] { return committed_offsets(pipeline.batch_group, pipeline.topic) == log_end; },
        seconds(120), std::chrono::milliseconds(500)))
        << consumer->output();
    EXPECT_TRUE(consumer->running());
    EXPECT_EQ(redis_stat(pipeline.batch_group, "processed"), 19);
    EXPECT_EQ(redis_stat(pipeline.batch_group, "dead_lettered"), 1);
    const auto dead = read_topic(pipeline.dlq_topic, 1, seconds(60));
    ASSERT_EQ(dead.size(), 1U);
    EXPECT_EQ(dead[0].headers.at("dlq.source.offset"), std::to_string(offset));
    EXPECT_EQ(dead[0].headers.at("dlq.source.partition"), std::to_string(partition));
    EXPECT_EQ(dead[0].headers.at("dlq.error"), "undecodable");
    EXPECT_NE(dead[0].headers.at("dlq.reason").find("the decoder failed unexpectedly"),
              std::string::npos)
        << dead[0].headers.at("dlq.reason");
}

// The dead-letter producer's fatal error (fabricated through librdkafka's own test hook) ends
// the consumer with status 1 and says so, instead of pausing forever; the poison message's
// offset is not committed, so it is read again by the next consumer.
TEST(Pipeline, AFatalDeadLetterProducerErrorEndsTheConsumerClearly) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer =
        pipeline.start_consumer(false, {{"ORDERFLOW_FAILPOINT", "dlq-fatal"}, {"BATCH_SIZE", "1"}});
    const auto [partition, offset] = produce_raw(pipeline.topic, "cust-poison", "not an order");
    EXPECT_EQ(consumer->wait(seconds(90)), 1) << consumer->output();
    EXPECT_NE(consumer->output().find("the dead-letter producer has a fatal error"),
              std::string::npos)
        << consumer->output();
    EXPECT_LE(committed_offsets(pipeline.batch_group, pipeline.topic).at(partition), offset);
}

}  // namespace
}  // namespace orderflow::test
