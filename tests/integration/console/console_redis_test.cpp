#include "integration/console/console_harness.h"
#include "orders/generator.h"
#include "redis/key_names.h"

#include <gtest/gtest.h>

#include <set>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

/// CONSOLE_CONSUMER_URLS naming the pipeline's groups (the views read their keys); the ports
/// need not answer for the Redis pages.
std::map<std::string, std::string> console_env(const Pipeline& pipeline) {
    return {{"CONSOLE_CONSUMER_URLS", pipeline.auto_group + "=http://127.0.0.1:1," +
                                          pipeline.batch_group + "=http://127.0.0.1:1"}};
}

TEST(ConsoleRedis, KeyBrowserOrderTraceCustomerAndAuditOfAProducedRun) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false, {{"BATCH_SIZE", "3"}});
    const auto produced = pipeline.run("produce --count 9 --interval 20ms --seed 7717");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    ConsoleProcess console(pipeline, console_env(pipeline));

    // Both groups store all 9 (their stats pieces summed, through the console).
    nlohmann::json stats;
    ASSERT_TRUE(wait_until(
        [&] {
            stats = console.get("/api/redis/groups").json();
            return stats["groups"].size() == 2U && stats["groups"][0]["orders"] == 9 &&
                   stats["groups"][1]["orders"] == 9;
        },
        seconds(180), std::chrono::milliseconds(500)))
        << stats.dump() << auto_consumer->output() << batch_consumer->output();

    // The key browser pages through the batch group's 9 order hashes, 2 at a time, each once.
    // A page scans at most 20 slots and the shared Redis holds the other tests' keys too (the
    // batch group of robustness.CoordinatorAway alone stores over 2 000), so the pages go on
    // until the cursor is back at 0; the cap only stops a cursor that never gets there.
    std::set<std::string> keys;
    std::string cursor = "0";
    int pages = 0;
    do {
        const auto reply = console.get("/api/redis/keys?pattern=order:%7B" + pipeline.batch_group +
                                       ":*&type=hash&count=2&cursor=" + cursor);
        ASSERT_EQ(reply.status, 200) << reply.body;
        const auto page = reply.json();
        for (const auto& key : page["keys"]) {
            EXPECT_EQ(key["type"], "hash");
            EXPECT_EQ(key["ttl_seconds"], -1);
            EXPECT_TRUE(keys.insert(key["key"].get<std::string>()).second) << key.dump();
        }
        cursor = page["cursor"].get<std::string>();
    } while (cursor != "0" && ++pages < 1000000);
    EXPECT_EQ(keys.size(), 9U);

    orders::OrderGenerator generator(7717);
    const auto order = generator.next();
    const auto key = redis_order_key(pipeline.batch_group, order.order_id);
    ASSERT_TRUE(keys.contains(key));
    const auto details = console.get("/api/redis/keys/" + key);
    ASSERT_EQ(details.status, 200) << details.body;
    std::map<std::string, std::string> fields;
    const auto value = details.json()["value"];
    for (const auto& pair : value["fields"]) {
        fields[pair[0].get<std::string>()] = pair[1].get<std::string>();
    }
    EXPECT_EQ(fields["order_id"], order.order_id) << details.body;
    EXPECT_EQ(fields["customer_id"], order.customer_id);
    EXPECT_FALSE(fields["stored_at"].empty());

    // The trace: both groups' hashes, and the Kafka record the first hash names.
    const auto trace = console.get("/api/orders/" + order.order_id);
    ASSERT_EQ(trace.status, 200) << trace.body;
    const auto traced = trace.json();
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        const auto& stored = traced["groups"][group];
        ASSERT_TRUE(stored.is_object()) << group << ": " << traced.dump();
        ASSERT_TRUE(stored["customer"].is_object()) << group << ": " << traced.dump();
        EXPECT_EQ(stored["key"], redis_order_key(group, order.order_id));
        EXPECT_GT(stored["stored_at_ms"].get<std::int64_t>(), 0);
        const auto partition = redis::partition_of(group, redis_order_key(group, order.order_id));
        ASSERT_TRUE(partition);
        EXPECT_EQ(stored["customer"]["key"],
                  redis::customer_key(group, *partition, order.customer_id));
    }
    EXPECT_EQ(traced["kafka"]["value"]["order_id"], order.order_id);
    EXPECT_EQ(traced["kafka"]["key"], order.customer_id);
    EXPECT_EQ(std::to_string(traced["kafka"]["offset"].get<std::int64_t>()),
              traced["groups"][pipeline.auto_group]["fields"]["offset"]);

    const auto customer = console.get("/api/redis/customers/" + order.customer_id);
    ASSERT_EQ(customer.status, 200) << customer.body;
    const auto in_batch = customer.json()["groups"][pipeline.batch_group];
    EXPECT_GE(in_batch["orders_count"].get<int>(), 1);
    const auto& listed = in_batch["orders"];
    EXPECT_NE(std::find(listed.begin(), listed.end(), order.order_id), listed.end());

    // The audit runs in the background: the first answer says it is running, a later one has
    // the clean result, and a request within 30 s of its start gets that same result.
    const auto first = console.get("/api/audit");
    ASSERT_EQ(first.status, 200) << first.body;
    nlohmann::json audit;
    ASSERT_TRUE(wait_until(
        [&] {
            audit = console.get("/api/audit").json();
            return !audit["computed_at_ms"].is_null();
        },
        seconds(60), std::chrono::milliseconds(200)))
        << audit.dump();
    EXPECT_EQ(audit["clean"], true) << audit.dump();
    EXPECT_EQ(audit["running"], false);
    EXPECT_EQ(audit["groups"].size(), 2U);
    EXPECT_FALSE(audit["lines"].empty());
    EXPECT_EQ(console.get("/api/audit").json()["computed_at_ms"], audit["computed_at_ms"]);

    // Bad requests: 4xx with a JSON error body.
    for (const auto& [target, status] : std::vector<std::pair<std::string, int>>{
             {"/api/redis/keys/no-such-key-" + pipeline.topic, 404},
             {"/api/redis/keys?count=5000", 400},
             {"/api/redis/keys?cursor=abc", 400},
             {"/api/redis/keys?type=nonsense", 400},
             {"/api/redis/keys/" + key + "?offset=-1", 400},
             {"/api/redis/keys?count=2&count=3", 400},
             {"/api/redis/customers/no-such-customer", 404},
             {"/api/orders/no-such-order", 404}}) {
        const auto reply = console.get(target);
        EXPECT_EQ(reply.status, status) << target << ": " << reply.body;
        EXPECT_TRUE(reply.json()["error"]["message"].is_string()) << target << ": " << reply.body;
    }
}

TEST(ConsoleRedis, ARedisThatDoesNotAnswerIs503TheAuditSaysWhyAndTheTraceStillShowsKafka) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto env = console_env(pipeline);
    env["REDIS_URL"] = "redis://127.0.0.1:" + std::to_string(free_port()) + "/0";  // refused
    ConsoleProcess console(pipeline, env);
    const auto produced = pipeline.run("produce --count 1 --interval 10ms");  // creates the topic
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    const auto [partition, offset] = produce_raw(pipeline.topic, "cust-x", "not avro");

    const auto keys = console.get("/api/redis/keys");
    EXPECT_EQ(keys.status, 503) << keys.body;
    EXPECT_EQ(keys.json()["error"]["code"], "unavailable");
    EXPECT_EQ(console.get("/api/redis/groups").status, 503);
    nlohmann::json audit;
    ASSERT_TRUE(wait_until(
        [&] {
            audit = console.get("/api/audit").json();
            return audit.contains("error");
        },
        seconds(60), std::chrono::milliseconds(200)))
        << audit.dump();
    EXPECT_TRUE(audit["computed_at_ms"].is_null()) << audit.dump();

    const auto trace = console.get("/api/orders/any?partition=" + std::to_string(partition) +
                                   "&offset=" + std::to_string(offset));
    ASSERT_EQ(trace.status, 200) << trace.body;
    EXPECT_TRUE(trace.json()["groups"].is_null());
    EXPECT_TRUE(trace.json()["redis_error"].is_string());
    EXPECT_EQ(trace.json()["kafka"]["value_text"], "not avro");
}

}  // namespace
}  // namespace orderflow::test
