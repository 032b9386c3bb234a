#include "common/settings.h"
#include "integration/pipeline/pipeline_harness.h"
#include "redis/connection.h"

#include <gtest/gtest.h>

#include <csignal>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

// Redis stops answering (SIGSTOP): the consumer pauses, keeps its group membership, retries
// with capped backoff and commits nothing; when Redis is back it resumes and nothing is lost.
TEST(RedisOutage, ConsumerPausesRetriesAndResumesWithoutLoss) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    // A private Redis, so stopping it disturbs no other test.
    const auto port = free_port();
    ChildProcess redis_server(
        {"/usr/bin/redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save",
         "", "--appendonly", "no", "--dir", pipeline.work_dir},
        {}, pipeline.work_dir + "/redis.log");
    const auto url = "redis://127.0.0.1:" + std::to_string(port) + "/0";
    ASSERT_TRUE(wait_until(
        [&] {
            try {
                redis::Connection probe(common::parse_redis_url("REDIS_URL", url));
                return !probe.command({"PING"}).is_error();
            } catch (const redis::RedisError&) {
                return false;
            }
        },
        seconds(20)));
    const std::map<std::string, std::string> private_redis = {
        {"REDIS_URL", url}, {"AUDIT_GROUPS", pipeline.batch_group}};
    auto consumer = pipeline.start_consumer(
        false, {{"REDIS_URL", url}, {"REDIS_TIMEOUT", "500ms"}, {"REDIS_RETRY_MAX_BACKOFF", "1s"}});
    ASSERT_EQ(pipeline.run("produce --count 20 --interval 10ms --seed 11").exit_code, 0);
    auto audit_clean = [&] {
        return wait_until(
            [&] { return pipeline.run("audit --timeout 20s", private_redis).exit_code == 0; },
            seconds(120), std::chrono::milliseconds(1000));
    };
    ASSERT_TRUE(audit_clean()) << pipeline.run("audit", private_redis).output << consumer->output();

    redis_server.send_signal(SIGSTOP);
    ASSERT_EQ(pipeline.run("produce --count 20 --interval 10ms --seed 12").exit_code, 0);
    EXPECT_TRUE(wait_until(
        [&] { return consumer->output().find("paused consumption") != std::string::npos; },
        seconds(60)))
        << consumer->output();
    // Several retries while Redis is away, and the consumer stays up.
    EXPECT_TRUE(wait_until(
        [&] {
            const auto out = consumer->output();
            std::size_t retries = 0;
            for (auto at = out.find("retrying in"); at != std::string::npos;
                 at = out.find("retrying in", at + 1)) {
                ++retries;
            }
            return retries >= 3;
        },
        seconds(60)))
        << consumer->output();
    EXPECT_TRUE(consumer->running());

    redis_server.send_signal(SIGCONT);
    EXPECT_TRUE(wait_until(
        [&] { return consumer->output().find("resumed consumption") != std::string::npos; },
        seconds(60)))
        << consumer->output();
    EXPECT_TRUE(audit_clean()) << pipeline.run("audit", private_redis).output << consumer->output();
}

}  // namespace
}  // namespace orderflow::test
