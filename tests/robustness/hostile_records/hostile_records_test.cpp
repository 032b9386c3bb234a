#include "robustness/hostile_records/hostile_records.h"

#include "integration/pipeline/pipeline_harness.h"
#include "registry_client/registry_client.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

struct Hostile {
    std::string value;
    std::string kind;    // dlq.error
    std::string reason;  // part of dlq.reason
    int schema_id;
};

// The repros: a record of another subject 50 000 levels deep (it segfaulted both consumers
// on every start) and four billion nulls (it made them spin to 5 GB), produced between
// normal orders, with an order of the topic's own schema announcing four billion items.
// Both groups dead-letter the three with their reasons and schema id, store every normal
// order, and stay up.
TEST(HostileRecords, BothGroupsDeadLetterForeignAndOversizedRecordsAndStoreEveryOrder) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false);
    ASSERT_EQ(pipeline.run("produce --count 5 --interval 10ms --seed 61").exit_code, 0);

    registry_client::RegistryClient client(registry.url());
    const int deep_id = client.register_schema("someone-else-value", kRecursiveSchema);
    const int nulls_id = client.register_schema("nulls-value", kNullArraySchema);
    const int order_id = client.register_schema(pipeline.topic + "-value", serde::kOrderSchemaJson);
    const std::vector<Hostile> hostile = {
        {deep_record(deep_id, 50'000), "schema-not-for-topic",
         "schema id " + std::to_string(deep_id) + " is not registered under subject " +
             pipeline.topic + "-value",
         deep_id},
        {four_billion_nulls(nulls_id), "schema-not-for-topic",
         "schema id " + std::to_string(nulls_id) + " is not registered under subject", nulls_id},
        {order_with_four_billion_items(order_id), "decode-limit",
         "decode-limit: a block of 4000000000 elements, over 100000 per block", order_id},
    };
    std::map<std::int64_t, const Hostile*> by_offset;  // one key: one partition
    for (const auto& record : hostile) {
        by_offset[produce_raw(pipeline.topic, "cust-hostile", record.value).second] = &record;
    }
    // 20 messages in all: two full batches for the batch consumer.
    ASSERT_EQ(pipeline.run("produce --count 12 --interval 10ms --seed 62").exit_code, 0);

    const auto audit = pipeline.audit_until_clean(seconds(120));
    ASSERT_EQ(audit.exit_code, 0) << audit.output << auto_consumer->output()
                                  << batch_consumer->output();
    EXPECT_NE(audit.output.find("17 distinct order(s), 3 invalid"), std::string::npos)
        << audit.output;
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        EXPECT_EQ(redis_stat(group, "processed"), 17) << group;
        EXPECT_EQ(redis_stat(group, "dead_lettered"), 3) << group;
    }
    EXPECT_TRUE(auto_consumer->running()) << auto_consumer->output();
    EXPECT_TRUE(batch_consumer->running()) << batch_consumer->output();

    const auto dead = read_topic(pipeline.dlq_topic, 6, seconds(60));
    ASSERT_EQ(dead.size(), 6U);  // three per group
    std::map<std::string, int> per_group;
    for (const auto& message : dead) {
        ++per_group[message.headers.at("dlq.consumer.group")];
        const auto offset = std::stoll(message.headers.at("dlq.source.offset"));
        ASSERT_TRUE(by_offset.contains(offset)) << offset;
        const auto& record = *by_offset.at(offset);
        EXPECT_EQ(message.value, record.value) << "the DLQ keeps the message unchanged";
        EXPECT_EQ(message.headers.at("dlq.error"), record.kind);
        EXPECT_NE(message.headers.at("dlq.reason").find(record.reason), std::string::npos)
            << message.headers.at("dlq.reason");
        EXPECT_EQ(message.headers.at("dlq.schema.id"), std::to_string(record.schema_id));
    }
    EXPECT_EQ(per_group,
              (std::map<std::string, int>{{pipeline.auto_group, 3}, {pipeline.batch_group, 3}}));
}

}  // namespace
}  // namespace orderflow::test
