// `orderflow consume` as a Redis user the ACL does not allow its group's keys: with real Kafka
// and orders, the consumer holds them (nothing stored, dead-lettered or committed) and says
// which user was refused what; once the ACL allows the keys it writes them all, and the audit
// (as the audit user) finds the group clean.

#include "acl_redis.h"
#include "integration/pipeline/pipeline_harness.h"
#include "redis/key_names.h"
#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

TEST(AclConsumerProcess, ARefusedWriteHoldsTheOrdersUntilTheAclAllowsThem) {
    AclRedis redis;
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto group = pipeline.auto_group;  // not orders-auto: outside consumer-auto's keys
    redis::Connection admin(redis.endpoint("admin"));
    const auto stored = [&] {
        return admin.command({"KEYS", redis::order_key_pattern(group)}).elements.size();
    };
    const std::map<std::string, std::string> env = {
        {"REDIS_URL", redis::format_redis_url(redis.endpoint("consumer-auto"))},
        {"REDIS_RETRY_MAX_BACKOFF", "500ms"}};
    auto consumer = pipeline.start_consumer(true, env);
    ASSERT_EQ(pipeline.run("produce --count 6 --interval 5ms --seed 7", env).exit_code, 0);

    const std::string refused = "redis refused this consumer's user; ";
    ASSERT_TRUE(wait_until([&] { return consumer->output().find(refused) != std::string::npos; },
                           seconds(60)))
        << consumer->output();
    const auto log = consumer->output();
    // The first thing refused: reading the group's offset marks, before any write.
    EXPECT_NE(log.find("refused to user \"consumer-auto\" by Redis's ACL (HGETALL offsets:" +
                       group + ")"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("none dead-lettered"), std::string::npos) << log;
    const std::string watch_refused = "cannot watch redis for lost data";
    const auto watch_line = log.find(watch_refused);
    EXPECT_NE(watch_line, std::string::npos) << log;
    EXPECT_EQ(log.find(watch_refused, watch_line + 1), std::string::npos) << log;  // said once
    EXPECT_EQ(log.find(redis.password("consumer-auto")), std::string::npos) << "password logged";
    EXPECT_EQ(stored(), 0U);
    for (const auto& [partition, offset] : committed_offsets(group, pipeline.topic)) {
        EXPECT_EQ(offset, -1) << "partition " << partition << " committed while held";
    }

    // The ACL now allows the group's keys: the held orders are written, none dead-lettered.
    const redis::Command allow = {"ACL",
                                  "SETUSER",
                                  "consumer-auto",
                                  "~" + redis::order_key_pattern(group),
                                  "~" + redis::customer_key_pattern(group),
                                  "~" + redis::stats_key(group),
                                  "~" + redis::offsets_key(group),
                                  "~watch:" + group + ":*"};
    ASSERT_EQ(admin.command(allow).str, "OK");
    ASSERT_TRUE(wait_until([&] { return stored() == 6U; }, seconds(60))) << consumer->output();
    const auto audit = pipeline.audit_until_clean(
        seconds(60),
        {{"REDIS_URL", redis::format_redis_url(redis.endpoint("audit"))}, {"AUDIT_GROUPS", group}});
    EXPECT_EQ(audit.exit_code, 0) << audit.output << consumer->output();
    EXPECT_TRUE(read_topic(pipeline.dlq_topic, 1, seconds(2)).empty());
}

}  // namespace
}  // namespace orderflow::test
