#include "common/settings.h"
#include "integration/pipeline/pipeline_harness.h"
#include "redis/connection.h"
#include "redis/key_names.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

redis::Connection connect_redis() {
    return redis::Connection(redis::parse_redis_url("REDIS_URL", shared_stack().redis_url));
}

long long in_flight(const std::string& output) {
    const auto at = output.find("audit clean (");
    long long count = 0;
    if (at != std::string::npos) {
        std::sscanf(output.c_str() + at, "audit clean (%lld", &count);
    }
    return count;
}

// Orders keep flowing (producer at a steady rate, both consumers running) while the audit
// runs: it never reports a difference, and with --live it says clean with orders in flight.
TEST(Audit, ALivePipelineIsCleanWithOrdersInFlight) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false);
    ChildProcess producer({orderflow_binary(), "produce", "--count", "0", "--rate", "100"},
                          pipeline.env({{"PROGRESS_INTERVAL", "1s"}}),
                          pipeline.work_dir + "/producer.log");
    ASSERT_TRUE(wait_until(
        [&] {
            return redis_count_keys(redis::order_key_pattern(pipeline.auto_group)) >= 200 &&
                   redis_count_keys(redis::order_key_pattern(pipeline.batch_group)) >= 200;
        },
        seconds(120)))
        << producer.output() << auto_consumer->output() << batch_consumer->output();
    long long most_in_flight = 0;
    for (int run = 0; run < 3; ++run) {
        const auto live = pipeline.run("audit --live true --timeout 60s");
        ASSERT_EQ(live.exit_code, 0) << live.output;
        most_in_flight = std::max(most_in_flight, in_flight(live.output));
        const auto strict = pipeline.run("audit --timeout 60s");
        ASSERT_TRUE(strict.exit_code == 0 || strict.exit_code == 3) << strict.output;
        EXPECT_EQ(strict.output.find("AUDIT FAILED"), std::string::npos) << strict.output;
    }
    EXPECT_GT(most_in_flight, 0);
    ASSERT_TRUE(producer.running()) << producer.output();

    producer.send_signal(SIGTERM);
    EXPECT_EQ(producer.wait(seconds(60)), 0) << producer.output();
    // The batch consumer holds a partial batch until it has 10 or stops: a SIGTERM writes and
    // commits it, as the original's batch consumer does.
    batch_consumer->send_signal(SIGTERM);
    EXPECT_EQ(batch_consumer->wait(seconds(60)), 0) << batch_consumer->output();
    // Settled: the strict audit is clean with nothing in flight.
    const auto settled = pipeline.audit_until_clean(seconds(120));
    ASSERT_EQ(settled.exit_code, 0) << settled.output;
    EXPECT_NE(settled.output.find("audit clean\n"), std::string::npos) << settled.output;
}

// A tampered field, a deleted order and a wrong aggregate are each reported: exit 1.
TEST(Audit, TamperedStoreIsReported) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto consumer = pipeline.start_consumer(true);
    const auto produced = pipeline.run("produce --count 30 --rate 100 --seed 11 --customers 5");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    const std::map<std::string, std::string> one_group = {{"AUDIT_GROUPS", pipeline.auto_group}};
    bool clean =
        wait_until([&] { return pipeline.run("audit --timeout 30s", one_group).exit_code == 0; },
                   seconds(120), std::chrono::milliseconds(1000));
    ASSERT_TRUE(clean) << pipeline.run("audit", one_group).output << consumer->output();
    consumer->send_signal(SIGTERM);
    ASSERT_EQ(consumer->wait(seconds(30)), 0) << consumer->output();

    auto redis = connect_redis();
    const auto keys = redis.command({"KEYS", redis::order_key_pattern(pipeline.auto_group)});
    ASSERT_EQ(keys.elements.size(), 30U);
    const auto tampered = keys.elements[0].str;
    const auto deleted = keys.elements[1].str;
    const auto customer = redis.command({"HGET", keys.elements[2].str, "customer_id"}).str;
    const auto deleted_customer = redis.command({"HGET", deleted, "customer_id"}).str;
    ASSERT_EQ(redis.command({"HSET", tampered, "payment_method", "stolen"}).integer, 0);
    ASSERT_EQ(redis.command({"DEL", deleted}).integer, 1);
    const auto partition = redis::partition_of(pipeline.auto_group, keys.elements[2].str);
    ASSERT_TRUE(partition) << keys.elements[2].str;
    redis.command({"HINCRBY", redis::customer_key(pipeline.auto_group, *partition, customer),
                   "total_spent_cents", "1"});

    const auto audit = pipeline.run("audit --timeout 30s", one_group);
    EXPECT_EQ(audit.exit_code, 1) << audit.output;
    const auto out = audit.output;
    const auto id_of = [&](const std::string& key) {
        return redis::order_id_of(pipeline.auto_group, key).value_or("?");
    };
    EXPECT_NE(out.find("order " + id_of(tampered)), std::string::npos) << out;
    EXPECT_NE(out.find("differs from the topic in: payment_method 'stolen'"), std::string::npos)
        << out;
    EXPECT_NE(out.find("missing order " + id_of(deleted)), std::string::npos) << out;
    EXPECT_NE(out.find("customer " + customer + " aggregates differ from its stored orders"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("customer " + deleted_customer + "'s sorted set names order " +
                       id_of(deleted) + ", which is not stored"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("AUDIT FAILED"), std::string::npos) << out;
}

}  // namespace
}  // namespace orderflow::test
