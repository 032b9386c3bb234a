// A FLUSHALL under live consumers (the connection stays up): each consumer notices it within
// seconds, without a rebalance, reads its partitions again, and Redis holds every order again.

#include "common/settings.h"
#include "integration/pipeline/pipeline_harness.h"
#include "redis/connection.h"
#include "redis/key_names.h"

#include <gtest/gtest.h>

#include <iostream>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

TEST(RedisWatch, AFlushallUnderLiveConsumersIsNoticedAndEveryOrderIsStoredAgain) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    PrivateRedis private_redis(pipeline.work_dir);  // a FLUSHALL must not hit other tests
    const std::map<std::string, std::string> env = {{"REDIS_URL", private_redis.url()}};
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", private_redis.url()));
    const auto order_keys = [&](const std::string& group) {
        return redis.command({"KEYS", redis::order_key_pattern(group)}).elements.size();
    };
    auto auto_consumer = pipeline.start_consumer(true, env);
    auto batch_consumer = pipeline.start_consumer(false, env);
    ASSERT_EQ(pipeline.run("produce --count 40 --interval 5ms --seed 5", env).exit_code, 0);
    const auto before = pipeline.audit_until_clean(seconds(120), env);
    ASSERT_EQ(before.exit_code, 0)
        << before.output << auto_consumer->output() << batch_consumer->output();
    ASSERT_EQ(order_keys(pipeline.auto_group), 40U);
    ASSERT_EQ(order_keys(pipeline.batch_group), 40U);
    const auto assigned_auto = count(auto_consumer->output(), ": assigned ");
    const auto assigned_batch = count(batch_consumer->output(), ": assigned ");

    const auto flushed = std::chrono::steady_clock::now();
    ASSERT_EQ(redis.command({"FLUSHALL"}).str, "OK");
    const bool stored_again = wait_until(
        [&] {
            return order_keys(pipeline.auto_group) == 40U &&
                   order_keys(pipeline.batch_group) == 40U;
        },
        seconds(60));
    ASSERT_TRUE(stored_again) << auto_consumer->output() << batch_consumer->output();
    std::cout << "every order stored again "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - flushed)
                     .count()
              << " ms after the FLUSHALL\n";  // a figure for the log, not an assertion
    for (const auto* consumer : {auto_consumer.get(), batch_consumer.get()}) {
        EXPECT_NE(consumer->output().find("redis lost one of this consumer's markers"),
                  std::string::npos)
            << consumer->output();
    }
    // Noticed by the watch, not by a rebalance.
    EXPECT_EQ(count(auto_consumer->output(), ": assigned "), assigned_auto);
    EXPECT_EQ(count(batch_consumer->output(), ": assigned "), assigned_batch);

    const auto after = pipeline.audit_until_clean(seconds(120), env);
    ASSERT_EQ(after.exit_code, 0) << after.output << auto_consumer->output()
                                  << batch_consumer->output();
}

}  // namespace
}  // namespace orderflow::test
