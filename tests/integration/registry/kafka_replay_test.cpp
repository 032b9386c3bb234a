// Records written into `_schemas` by Confluent's registry (recorded shapes, tombstones,
// DELETE_SUBJECT, CONFIG, MODE, NOOP, garbage) are replayed by a starting registry; and what our
// registry writes is Confluent's exact key/value format.
#include "registry_process.h"
#include "schemas_records.h"

#include <librdkafka/rdkafka.h>

namespace orderflow::registry::testing {
namespace {

std::vector<Recorded> consume_all(const std::string& topic) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = test::shared_stack().bootstrap_servers;
    const auto consumer = kafka::make_consumer(settings,
                                               {{"group.id", test::unique_name("reader")},
                                                {"enable.partition.eof", "true"},
                                                {"enable.auto.commit", "false"}},
                                               "a _schemas reader");
    rd_kafka_assign(consumer.get(),
                    kafka::make_partition_list({{topic, 0, RD_KAFKA_OFFSET_BEGINNING}}).get());
    std::vector<Recorded> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        const kafka::MessagePtr m(rd_kafka_consumer_poll(consumer.get(), 200));
        if (!m) {
            continue;
        }
        const bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            Recorded r{std::string(static_cast<const char*>(m->key), m->key_len), std::nullopt};
            if (m->payload != nullptr) {
                r.value.emplace(static_cast<const char*>(m->payload), m->len);
            }
            out.push_back(r);
        }
        if (eof) {
            break;
        }
    }
    rd_kafka_consumer_close(consumer.get());
    return out;
}

TEST(RegistryKafkaReplay, ConfluentWrittenRecordsRebuildTheState) {
    RegistryNames names;
    const std::string first_schema =
        R"({"type":"record","name":"First","fields":[{"name":"a","type":"string"}]})";
    Json first_value = {{"deleted", false},
                        {"id", 1},
                        {"schema", first_schema},
                        {"subject", "wow.first.subject"},
                        {"version", 1}};
    produce(
        names.topic,
        {{R"({"keytype":"CONFIG","subject":null,"magic":0})", R"({"compatibilityLevel":"FULL"})"},
         {R"({"keytype":"SCHEMA","subject":"wow.first.subject","version":1,"magic":1})",
          first_value.dump(1)},
         {R"({"keytype":"SCHEMA","subject":"wow.first.subject","version":2,"magic":1})",
          R"({"subject":"wow.first.subject","version":2,"id":2,"schema":"\"string\"","deleted":false})"},
         {R"({"keytype":"NOOP","magic":0})", std::nullopt},
         {R"({"keytype":"SCHEMA","subject":"wow.first.subject","version":2,"magic":1})",
          R"({"subject":"wow.first.subject","version":2,"id":2,"schema":"\"string\"","deleted":true})"},
         {R"({"keytype":"SCHEMA","subject":"gone","version":1,"magic":1})",
          R"({"subject":"gone","version":1,"id":3,"schema":"\"int\"","deleted":false})"},
         {R"({"keytype":"DELETE_SUBJECT","subject":"gone","magic":0})",
          R"({"subject":"gone","version":1})"},
         {R"({"keytype":"SCHEMA","subject":"tmp","version":1,"magic":1})",
          R"({"subject":"tmp","version":1,"id":9,"schema":"\"bytes\"","deleted":true})"},
         {R"({"keytype":"SCHEMA","subject":"tmp","version":1,"magic":1})", std::nullopt},
         {R"({"keytype":"CONFIG","subject":"wow.first.subject","magic":0})",
          R"({"compatibilityLevel":"NONE"})"},
         {R"({"keytype":"MODE","subject":"gone","magic":0})", R"({"mode":"READONLY"})"},
         {"garbage", "more garbage"}});
    RegistryProcess registry(names);
    EXPECT_EQ(registry.request("GET", "/subjects").body, R"(["wow.first.subject"])");
    EXPECT_EQ(registry.request("GET", "/subjects?deleted=true").body,
              R"(["gone","wow.first.subject"])");
    EXPECT_EQ(registry.request("GET", "/subjects/wow.first.subject/versions").body, "[1]");
    EXPECT_EQ(registry.request("GET", "/subjects/wow.first.subject/versions?deleted=true").body,
              "[1,2]");
    EXPECT_EQ(registry.request("GET", "/subjects/gone/versions").status, 404);
    EXPECT_EQ(registry.request("GET", "/schemas/ids/2").body, R"({"schema":"\"string\""})");
    EXPECT_EQ(registry.request("GET", "/schemas/ids/9").status, 404);
    EXPECT_EQ(registry.request("GET", "/config").body, R"({"compatibilityLevel":"FULL"})");
    EXPECT_EQ(registry.request("GET", "/config/wow.first.subject").body,
              R"({"compatibilityLevel":"NONE"})");
    EXPECT_EQ(registry.request("GET", "/mode/gone").body, R"({"mode":"READONLY"})");
    // New ids continue after the highest id seen (9, though hard-deleted).
    const auto reply =
        registry.request("POST", "/subjects/wow.first.subject/versions", schema_body("\"double\""));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(Json::parse(reply.body)["id"], 10);
    EXPECT_EQ(registry.request("GET", "/subjects/wow.first.subject/versions").body, "[1,3]");
}

TEST(RegistryKafkaReplay, WritesUseConfluentsExactFormat) {
    RegistryNames names;
    {
        RegistryProcess registry(names);
        ASSERT_EQ(
            registry.request("POST", "/subjects/s/versions", schema_body("\"string\"")).status,
            200);
        ASSERT_EQ(registry.request("PUT", "/config/s", R"({"compatibility":"FULL"})").status, 200);
        ASSERT_EQ(registry.request("DELETE", "/subjects/s").status, 200);
        ASSERT_EQ(registry.request("DELETE", "/subjects/s?permanent=true").status, 200);
    }
    // Every write first catches up through a NOOP record (as Confluent's registry does):
    // exactly Confluent's key, no value; the writes themselves follow in order.
    std::vector<Recorded> records;
    int noops = 0;
    for (auto& r : consume_all(names.topic)) {
        if (r.key.find("NOOP") != std::string::npos) {
            EXPECT_EQ(r.key, R"({"keytype":"NOOP","magic":0})");
            EXPECT_EQ(r.value, std::nullopt);
            ++noops;
        } else {
            records.push_back(std::move(r));
        }
    }
    EXPECT_GE(noops, 4);
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(records[0].key, R"({"keytype":"SCHEMA","subject":"s","version":1,"magic":1})");
    EXPECT_EQ(records[0].value,
              R"({"subject":"s","version":1,"id":1,"schema":"\"string\"","deleted":false})");
    EXPECT_EQ(records[1].key, R"({"keytype":"CONFIG","subject":"s","magic":0})");
    EXPECT_EQ(records[2].key, R"({"keytype":"DELETE_SUBJECT","subject":"s","magic":0})");
    EXPECT_EQ(records[2].value, R"({"subject":"s","version":1})");
    EXPECT_EQ(records[3].key, R"({"keytype":"SCHEMA","subject":"s","version":1,"magic":1})");
    EXPECT_EQ(records[3].value, std::nullopt);
    EXPECT_EQ(records[4].key, R"({"keytype":"CONFIG","subject":"s","magic":0})");
    EXPECT_EQ(records[4].value, std::nullopt);
}

}  // namespace
}  // namespace orderflow::registry::testing
