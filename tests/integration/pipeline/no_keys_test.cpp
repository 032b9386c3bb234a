#include "integration/pipeline/pipeline_harness.h"
#include "redis/key_names.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

// The benchmark mode: null keys, and the orders still reach Redis.
TEST(ProducerNoKeys, SendsNullKeysThatTheConsumersStillStore) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto produced = pipeline.run("produce --count 20 --rate 1000 --seed 3 --no-keys");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    EXPECT_NE(produced.output.find("null keys"), std::string::npos) << produced.output;
    const auto messages = read_topic(pipeline.topic, 20, seconds(60));
    ASSERT_EQ(messages.size(), 20U);
    for (const auto& message : messages) {
        EXPECT_FALSE(message.key) << "partition " << message.partition << " offset "
                                  << message.offset << " key " << *message.key;
    }
    auto consumer = pipeline.start_consumer(true);
    EXPECT_TRUE(wait_until([&] { return redis_stat(pipeline.auto_group, "processed") >= 20; },
                           seconds(120)))
        << consumer->output();
    EXPECT_EQ(redis_count_keys(redis::order_key_pattern(pipeline.auto_group)), 20U);
}

}  // namespace
}  // namespace orderflow::test
