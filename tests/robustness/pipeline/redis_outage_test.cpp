#include "integration/pipeline/pipeline_harness.h"
#include "redis/connection.h"
#include "redis/store_reads.h"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

// Redis stops answering (SIGSTOP): the consumer pauses, keeps its group membership, retries
// with capped backoff and commits nothing; when Redis is back it resumes and nothing is lost.
TEST(RedisOutage, ConsumerPausesRetriesAndResumesWithoutLoss) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    PrivateRedis redis_server(pipeline.work_dir);
    const auto& url = redis_server.url();
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

    const auto committed_before = committed_offsets(pipeline.batch_group, pipeline.topic);
    redis_server.send_signal(SIGSTOP);
    ASSERT_EQ(pipeline.run("produce --count 20 --interval 10ms --seed 12").exit_code, 0);
    EXPECT_TRUE(wait_until(
        [&] { return consumer->output().find("paused consumption") != std::string::npos; },
        seconds(60)))
        << consumer->output();
    EXPECT_NE(committed_before, log_end_offsets(pipeline.topic));  // there is something to commit
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
    // Nothing of what could not be written was committed.
    EXPECT_EQ(committed_offsets(pipeline.batch_group, pipeline.topic), committed_before);

    redis_server.send_signal(SIGCONT);
    EXPECT_TRUE(wait_until(
        [&] { return consumer->output().find("resumed consumption") != std::string::npos; },
        seconds(60)))
        << consumer->output();
    EXPECT_TRUE(audit_clean()) << pipeline.run("audit", private_redis).output << consumer->output();
    EXPECT_EQ(committed_offsets(pipeline.batch_group, pipeline.topic),
              log_end_offsets(pipeline.topic));
}

// Redis stops taking writes (CLIENT PAUSE WRITE: it still answers PING, so a new member can
// start) and a second member joins: the first one's revocation cannot write what it holds,
// commits nothing of it, and after the outage the two members together store every order.
TEST(RedisOutage, ARebalanceDuringTheOutageLosesNothing) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    PrivateRedis redis_server(pipeline.work_dir);
    const auto& url = redis_server.url();
    // BATCH_TIMEOUT (opt-in): each member's partial batch is written while it runs, so the
    // audit can pass with both members still in the group.
    const std::map<std::string, std::string> consumer_env = {{"REDIS_URL", url},
                                                             {"REDIS_TIMEOUT", "500ms"},
                                                             {"REDIS_RETRY_MAX_BACKOFF", "1s"},
                                                             {"BATCH_TIMEOUT", "500ms"}};
    auto first = pipeline.start_consumer(false, consumer_env, "batch-1");
    ASSERT_TRUE(wait_until(
        [&] { return first->output().find("assigned " + pipeline.topic) != std::string::npos; },
        seconds(60)))
        << first->output();

    redis_server.command({"CLIENT", "PAUSE", "600000", "WRITE"});
    ASSERT_EQ(pipeline.run("produce --count 30 --interval 10ms --seed 13").exit_code, 0);
    ASSERT_TRUE(
        wait_until([&] { return first->output().find("paused consumption") != std::string::npos; },
                   seconds(60)))
        << first->output();
    const auto committed_before = committed_offsets(pipeline.batch_group, pipeline.topic);

    auto second = pipeline.start_consumer(false, consumer_env, "batch-2");
    ASSERT_TRUE(wait_until(
        [&] {
            return first->output().find("revoked ") != std::string::npos &&
                   second->output().find("assigned " + pipeline.topic) != std::string::npos;
        },
        seconds(90)))
        << first->output() << second->output();
    // Give both members a few retries while still paused: nothing gets committed.
    EXPECT_TRUE(wait_until(
        [&] { return second->output().find("retrying in") != std::string::npos; }, seconds(60)))
        << second->output();
    EXPECT_EQ(committed_offsets(pipeline.batch_group, pipeline.topic), committed_before);

    redis_server.command({"CLIENT", "UNPAUSE"});
    const std::map<std::string, std::string> audit_env = {{"REDIS_URL", url},
                                                          {"AUDIT_GROUPS", pipeline.batch_group}};
    const bool clean =
        wait_until([&] { return pipeline.run("audit --timeout 20s", audit_env).exit_code == 0; },
                   seconds(120), std::chrono::milliseconds(1000));
    EXPECT_TRUE(clean) << pipeline.run("audit", audit_env).output << first->output()
                       << second->output();
    first->send_signal(SIGTERM);
    second->send_signal(SIGTERM);
    EXPECT_EQ(first->wait(seconds(60)), 0) << first->output();
    EXPECT_EQ(second->wait(seconds(60)), 0) << second->output();
    EXPECT_TRUE(
        wait_until([&] { return pipeline.run("audit --timeout 20s", audit_env).exit_code == 0; },
                   seconds(60), std::chrono::milliseconds(1000)))
        << pipeline.run("audit", audit_env).output;
    redis::Connection own(redis::parse_redis_url("REDIS_URL", redis_server.url()));
    EXPECT_EQ(redis::group_stats(own, pipeline.batch_group).processed, 30);
}

}  // namespace
}  // namespace orderflow::test
