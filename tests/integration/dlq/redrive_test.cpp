#include "integration/pipeline/pipeline_harness.h"
#include "kafka/acked_producer.h"
#include "kafka/topic_reader.h"
#include "orders/generator.h"
#include "redis/key_names.h"
#include "registry_client/registry_client.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

constexpr int kLateSchemaId = 4242;

std::vector<kafka::Record> whole_topic(const std::string& topic, int partitions) {
    kafka::ClientSettings client;
    client.bootstrap_servers = shared_stack().bootstrap_servers;
    client.client_id = "redrive-test";
    kafka::ReadRequest request;
    request.topic = topic;
    for (int p = 0; p < partitions; ++p) {
        request.partitions.push_back(p);
    }
    request.timeout = seconds(30);
    return kafka::read_topic(client, request);
}

void put_json(httplib::Client& registry, const std::string& path, const std::string& body) {
    const auto answer = registry.Put(path, body, "application/vnd.schemaregistry.v1+json");
    ASSERT_TRUE(answer) << path;
    ASSERT_EQ(answer->status, 200) << path << ": " << answer->body;
}

/// The cause of the dead letter is fixed afterwards: the writer schema's id becomes known by
/// importing it under that id (as a registry migrated from another one would).
void import_schema_with_id(const std::string& registry_url, const std::string& subject, int id) {
    httplib::Client registry(registry_url);
    put_json(registry, "/mode/" + subject, R"({"mode":"IMPORT"})");
    const nlohmann::json body = {{"schema", serde::kOrderSchemaJson}, {"id", id}};
    const auto answer = registry.Post("/subjects/" + subject + "/versions", body.dump(),
                                      "application/vnd.schemaregistry.v1+json");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << answer->body;
    put_json(registry, "/mode/" + subject, R"({"mode":"READWRITE"})");
}

TEST(DlqRedrive, AFixedDeadLetterIsStoredOnceByBothGroupsAndADryRunSendsNothing) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false, {{"BATCH_SIZE", "1"}});

    // Framed with an id the registry does not know yet: both groups dead-letter it.
    orders::OrderGenerator generator(4242);
    const auto order = generator.next();
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    const auto value = serde::frame(kLateSchemaId, encoder.encode(order));
    const auto [partition, offset] = produce_raw(pipeline.topic, order.customer_id, value);
    const auto dead = read_topic(pipeline.dlq_topic, 2, seconds(120));
    ASSERT_EQ(dead.size(), 2U) << auto_consumer->output() << batch_consumer->output();

    const auto list = pipeline.run("dlq list");
    ASSERT_EQ(list.exit_code, 0) << list.output;
    EXPECT_NE(list.output.find("unknown-schema"), std::string::npos) << list.output;
    EXPECT_NE(list.output.find(pipeline.topic + "[" + std::to_string(partition) + "]@" +
                               std::to_string(offset)),
              std::string::npos)
        << list.output;
    EXPECT_NE(list.output.find("2 dead-letter record(s)"), std::string::npos) << list.output;

    const auto json = pipeline.run("dlq list --json");
    ASSERT_EQ(json.exit_code, 0) << json.output;
    const auto records = nlohmann::json::parse(json.output.substr(json.output.find('[')));
    ASSERT_EQ(records.size(), 2U);
    for (const auto& record : records) {
        EXPECT_EQ(record["source"]["offset"], offset);
        EXPECT_EQ(record["error"], "unknown-schema");
        EXPECT_NE(record["reason"].get<std::string>().find(std::to_string(kLateSchemaId)),
                  std::string::npos);
    }

    const auto dry = pipeline.run("dlq redrive --all --dry-run");
    ASSERT_EQ(dry.exit_code, 0) << dry.output;
    EXPECT_NE(dry.output.find("1 to redrive, 1 skipped, 0 refused, nothing sent"),
              std::string::npos)
        << dry.output;
    EXPECT_EQ(whole_topic(pipeline.topic, 5).size(), 1U) << "a dry run sent something";

    import_schema_with_id(registry.url(), pipeline.topic + "-value", kLateSchemaId);
    const auto first = pipeline.run("dlq redrive --all");
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_NE(first.output.find("1 redriven, 1 skipped"), std::string::npos) << first.output;

    const auto stored = [&](const std::string& group) {
        return redis_order_field(group, order.order_id, "customer_id") == order.customer_id;
    };
    ASSERT_TRUE(wait_until(
        [&] { return stored(pipeline.auto_group) && stored(pipeline.batch_group); }, seconds(120)))
        << auto_consumer->output() << batch_consumer->output();

    // Twice: the order is still stored once, the second copy counted as a duplicate.
    ASSERT_EQ(pipeline.run("dlq redrive --all").exit_code, 0);
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        EXPECT_TRUE(
            wait_until([&] { return redis_stat(group, "duplicates_skipped") == 1; }, seconds(120)))
            << group;
        EXPECT_EQ(redis_stat(group, "processed"), 1) << group;
        EXPECT_EQ(redis_count_keys(redis::order_key_pattern(group)), 1U) << group;
    }

    const auto topic = whole_topic(pipeline.topic, 5);
    ASSERT_EQ(topic.size(), 3U);  // the original and two redriven copies
    int redriven = 0;
    for (const auto& record : topic) {
        if (record.header("dlq.redrive.offset")) {
            ++redriven;
            EXPECT_EQ(record.value, value) << "the original bytes, unchanged";
            EXPECT_EQ(record.key, std::optional<std::string>(order.customer_id));
            EXPECT_EQ(record.header("dlq.redrive.topic"), pipeline.dlq_topic);
        }
    }
    EXPECT_EQ(redriven, 2);

    // The audit sees the original, now decodable, as dead-lettered by both groups and the
    // copies as re-sends of an order both groups stored once.
    const auto audit = pipeline.audit_until_clean(seconds(60));
    EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

// Anyone who can write to the dead-letter topic writes its headers: a letter naming the
// registry's own schemas topic is refused and counted, nothing reaches that topic, and a
// letter naming the orders topic beside it is still sent there.
TEST(DlqRedrive, AForgedSourceTopicIsRefusedAndNothingIsWrittenThere) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);  // creates the topics
    ASSERT_TRUE(wait_until([&] { return pipeline.run("dlq list").exit_code == 0; }, seconds(60)));
    const auto schemas_end = log_end_offsets(registry.schemas_topic(), 1);

    kafka::ClientSettings client;
    client.bootstrap_servers = shared_stack().bootstrap_servers;
    client.client_id = "redrive-forger";
    const auto letter = [&](const std::string& source_topic, const std::string& value) {
        return kafka::OutgoingRecord{pipeline.dlq_topic,
                                     std::string("k"),
                                     value,
                                     {{"dlq.reason", "forged"},
                                      {"dlq.error", "undecodable"},
                                      {"dlq.source.topic", source_topic},
                                      {"dlq.source.partition", "0"},
                                      {"dlq.source.offset", "0"}}};
    };
    const auto written = kafka::produce_acknowledged(
        client,
        {letter(registry.schemas_topic(), R"({"keytype":"SCHEMA","magic":1})"),
         letter(pipeline.topic, "not an order")},
        seconds(30), [](std::size_t i) { return "forged letter " + std::to_string(i); });
    const auto forged = std::to_string(written[0].offset);

    const auto dry = pipeline.run("dlq redrive --all --dry-run");
    ASSERT_EQ(dry.exit_code, 0) << dry.output;
    EXPECT_NE(dry.output.find("1 to redrive, 0 skipped, 1 refused, nothing sent"),
              std::string::npos)
        << dry.output;
    const auto run = pipeline.run("dlq redrive --all");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("refuse " + pipeline.dlq_topic + "@" + forged +
                              ": its dlq.source.topic names " + registry.schemas_topic() +
                              ", not " + pipeline.topic),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("refused to redrive"), std::string::npos) << "logged: " << run.output;
    EXPECT_NE(run.output.find("1 redriven, 0 skipped, 1 refused"), std::string::npos) << run.output;

    EXPECT_EQ(log_end_offsets(registry.schemas_topic(), 1), schemas_end);
    const auto orders = whole_topic(pipeline.topic, 5);
    ASSERT_EQ(orders.size(), 1U);
    EXPECT_EQ(orders[0].value, "not an order");
    // The registry, replaying its topic, still answers.
    EXPECT_EQ(registry_client::RegistryClient(registry.url()).subjects().size(), 0U);
}

TEST(DlqRedrive, BadSelectionsStopAtStartNamingTheOption) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);  // creates the topics
    ASSERT_TRUE(wait_until([&] { return pipeline.run("dlq list").exit_code == 0; }, seconds(60)));

    const auto neither = pipeline.run("dlq redrive");
    EXPECT_EQ(neither.exit_code, 2) << neither.output;
    EXPECT_NE(neither.output.find("--offset/--all"), std::string::npos) << neither.output;

    const auto unknown = pipeline.run("dlq redrive --offset 99");
    EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
    EXPECT_NE(unknown.output.find("no record at offset 99"), std::string::npos) << unknown.output;

    const auto missing = pipeline.run("dlq list", {{"DLQ_TOPIC", pipeline.dlq_topic + "-none"}});
    EXPECT_EQ(missing.exit_code, 2) << missing.output;
    EXPECT_NE(missing.output.find("DLQ_TOPIC"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace orderflow::test
