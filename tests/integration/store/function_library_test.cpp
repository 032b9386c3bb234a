// The store's function library lost under live consumers (FUNCTION FLUSH, as after a Redis
// that came back without its data): each consumer loads it again at its next write, and every
// order is stored once.

#include "common/settings.h"
#include "integration/pipeline/pipeline_harness.h"
#include "redis/connection.h"
#include "redis/key_names.h"
#include "redis/store_library.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

TEST(FunctionLibrary, AFunctionFlushUnderLiveConsumersIsLoadedAgainAndNothingIsLost) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    PrivateRedis private_redis(pipeline.work_dir);  // a FUNCTION FLUSH must not hit other tests
    const std::map<std::string, std::string> env = {{"REDIS_URL", private_redis.url()}};
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", private_redis.url()));
    const auto libraries = [&] {
        return redis.command({"FUNCTION", "LIST", "LIBRARYNAME", "orderflow_store_*"})
            .elements.size();
    };
    const auto order_keys = [&](const std::string& group) {
        return redis.command({"KEYS", redis::order_key_pattern(group)}).elements.size();
    };
    auto auto_consumer = pipeline.start_consumer(true, env);
    auto batch_consumer = pipeline.start_consumer(false, env);
    ASSERT_EQ(pipeline.run("produce --count 20 --interval 5ms --seed 8", env).exit_code, 0);
    ASSERT_TRUE(wait_until(
        [&] {
            return order_keys(pipeline.auto_group) == 20U &&
                   order_keys(pipeline.batch_group) == 20U;
        },
        seconds(90)))
        << auto_consumer->output() << batch_consumer->output();
    ASSERT_EQ(libraries(), 1U);  // loaded by the consumers themselves (plain profile)

    ASSERT_EQ(redis.command({"FUNCTION", "FLUSH"}).str, "OK");
    ASSERT_EQ(libraries(), 0U);
    ASSERT_EQ(pipeline.run("produce --count 20 --interval 5ms --seed 9", env).exit_code, 0);
    const auto audit = pipeline.audit_until_clean(seconds(120), env);
    ASSERT_EQ(audit.exit_code, 0) << audit.output << auto_consumer->output()
                                  << batch_consumer->output();
    EXPECT_EQ(order_keys(pipeline.auto_group), 40U);
    EXPECT_EQ(order_keys(pipeline.batch_group), 40U);
    EXPECT_EQ(libraries(), 1U);
}

}  // namespace
}  // namespace orderflow::test
