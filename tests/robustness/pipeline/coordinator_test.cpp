// The batch consumer while its group coordinator is away, on a private cluster (these cases
// kill and freeze brokers). One cluster for the whole binary: ctest runs it as one test.

#include "integration/pipeline/pipeline_harness.h"
#include "robustness/pipeline/private_cluster.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>

namespace orderflow::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

KafkaCluster& cluster() {
    return private_cluster();
}

std::map<std::string, std::string> merged(std::map<std::string, std::string> base,
                                          const std::map<std::string, std::string>& extra) {
    for (const auto& [key, value] : extra) {
        base[key] = value;
    }
    return base;
}

bool offsets_reach_log_end(const Pipeline& pipeline, std::chrono::milliseconds timeout) {
    return wait_until(
        [&] {
            try {
                const auto& kafka = cluster().bootstrap_servers();
                return committed_offsets(pipeline.batch_group, pipeline.topic, 5, kafka) ==
                       log_end_offsets(pipeline.topic, 5, kafka);
            } catch (const std::exception&) {
                return false;  // the coordinator is still moving
            }
        },
        timeout, milliseconds(1000));
}

// The consumer's partial batch, from its /health ("batch":{"held":N,...}); -1 when unknown.
int batch_held(std::uint16_t port) {
    try {
        return nlohmann::json::parse(http_get(port, "/health").second)["batch"]["held"].get<int>();
    } catch (const std::exception&) {
        return -1;
    }
}

std::int64_t behind_log_end(const Pipeline& pipeline) {
    const auto& kafka = cluster().bootstrap_servers();
    const auto ends = log_end_offsets(pipeline.topic, 5, kafka);
    std::int64_t behind = 0;
    for (const auto& [partition, committed] :
         committed_offsets(pipeline.batch_group, pipeline.topic, 5, kafka)) {
        behind += ends.at(partition) - std::max<std::int64_t>(committed, 0);
    }
    return behind;
}

// A lost assignment (the new coordinator took longer than the session timeout) makes the
// consumer read again from the committed offsets, and its batches of 10 count from there: up
// to 9 messages can then wait in a partial batch for more orders, as batch mode promises.
// Waits until everything but that partial batch is committed, completes it with new orders,
// and returns whether the committed offsets then reach the log end.
bool committed_to_log_end(const Pipeline& pipeline,
                          std::uint16_t port,
                          const std::map<std::string, std::string>& env,
                          int seed) {
    int held = -1;
    const bool settled = wait_until(
        [&] {
            try {
                held = batch_held(port);
                const auto behind = behind_log_end(pipeline);
                return held >= 0 && behind == held && batch_held(port) == held;
            } catch (const std::exception&) {
                return false;  // the coordinator is still moving
            }
        },
        seconds(180), milliseconds(1000));
    if (!settled) {
        return false;
    }
    if (held > 0) {
        std::cout << "a partial batch of " << held << " after a lost assignment: completing it\n";
        const auto completed = pipeline.run("produce --count " + std::to_string(10 - held) +
                                                " --interval 10ms --seed " + std::to_string(seed),
                                            env);
        if (completed.exit_code != 0) {
            std::cout << completed.output;
            return false;
        }
    }
    return offsets_reach_log_end(pipeline, seconds(120));
}

bool audit_clean(const Pipeline& pipeline, const std::map<std::string, std::string>& env) {
    return wait_until([&] { return pipeline.run("audit --timeout 20s", env).exit_code == 0; },
                      seconds(120), milliseconds(1000));
}

// kill -9 of the coordinator's broker while orders flow and batches are committed: the
// consumer neither hangs nor forgets a commit; after the broker is back every partition's
// committed offset is its log end and the audit is clean. Then SIGTERM while the coordinator
// is frozen: the consumer still leaves within SHUTDOWN_TIMEOUT plus a margin.
TEST(CoordinatorAway, KilledWhileTheBatchConsumerCommits) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto& kafka = cluster().bootstrap_servers();
    const std::map<std::string, std::string> env = {{"KAFKA_BOOTSTRAP_SERVERS", kafka},
                                                    {"AUDIT_GROUPS", pipeline.batch_group}};
    const auto port = free_port();
    const auto consumer_env = merged(env, {{"COMMIT_TIMEOUT", "3s"},
                                           {"SHUTDOWN_TIMEOUT", "5s"},
                                           {"METRICS_PORT", std::to_string(port)}});
    auto consumer = pipeline.start_consumer(false, consumer_env);
    ChildProcess producer(
        {orderflow_binary(), "produce", "--count", "2000", "--rate", "200", "--seed", "41"},
        pipeline.env(env), pipeline.work_dir + "/producer.log");
    ASSERT_TRUE(wait_until(
        [&] {
            try {
                for (const auto& [p, offset] :
                     committed_offsets(pipeline.batch_group, pipeline.topic, 5, kafka)) {
                    if (offset > 0) {
                        return true;
                    }
                }
            } catch (const std::exception&) {
            }
            return false;
        },
        seconds(120), milliseconds(250)))
        << consumer->output();
    const int coordinator = group_coordinator(pipeline.batch_group, kafka);
    ASSERT_GE(coordinator, 1);
    cluster().kill_node(coordinator, SIGKILL);
    EXPECT_EQ(producer.wait(seconds(240)), 0) << producer.output();
    EXPECT_TRUE(consumer->running()) << consumer->output();
    EXPECT_NE(http_get(port, "/health").first, 0);  // the status server answers meanwhile

    cluster().start_node(coordinator);
    EXPECT_TRUE(committed_to_log_end(pipeline, port, env, 40)) << consumer->output();
    EXPECT_TRUE(audit_clean(pipeline, env)) << pipeline.run("audit", env).output;

    // Nine orders: a partial batch, held. Freeze the coordinator and stop the consumer: it
    // writes the nine to Redis and cannot commit them. It leaves after SHUTDOWN_TIMEOUT (5 s)
    // plus what close() needs with a hung coordinator (about 2 x COMMIT_TIMEOUT, the request
    // timeout); a generous bound, as the machine is shared.
    ASSERT_EQ(pipeline.run("produce --count 9 --interval 10ms --seed 42", env).exit_code, 0);
    ASSERT_TRUE(wait_until(
        [&] { return http_get(port, "/health").second.find("held 9 of 10") != std::string::npos; },
        seconds(60)))
        << http_get(port, "/health").second;
    const int frozen = group_coordinator(pipeline.batch_group, kafka);
    ASSERT_GE(frozen, 1);
    cluster().kill_node(frozen, SIGSTOP);
    consumer->send_signal(SIGTERM);
    const auto stopped = std::chrono::steady_clock::now();
    const int code = consumer->wait(seconds(5 + 20));
    cluster().kill_node(frozen, SIGCONT);
    EXPECT_NE(code, -1) << "still running " << seconds(25).count() << " s after SIGTERM\n"
                        << consumer->output();
    std::cout << "SIGTERM with a frozen coordinator: exited "
              << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                          stopped)
                     .count()
              << " ms later with status " << code << "\n";

    // Whatever it could not commit is read again by the next consumer: nothing is lost.
    const auto restarted_port = free_port();
    auto restarted = pipeline.start_consumer(
        false, merged(env, {{"METRICS_PORT", std::to_string(restarted_port)}}),
        "consumer-restarted");
    EXPECT_TRUE(committed_to_log_end(pipeline, restarted_port, env, 44)) << restarted->output();
    EXPECT_TRUE(audit_clean(pipeline, env)) << pipeline.run("audit", env).output;
}

// The batch is in Redis but its commit goes to a frozen coordinator: /health says the commit
// is stuck, and once the broker runs again the consumer commits it, although the partitions
// get no further message.
TEST(CoordinatorAway, AFailedCommitIsCommittedAgainWithoutFurtherTraffic) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto& kafka = cluster().bootstrap_servers();
    PrivateRedis redis_server(pipeline.work_dir);
    const auto& url = redis_server.url();
    const std::map<std::string, std::string> env = {{"KAFKA_BOOTSTRAP_SERVERS", kafka},
                                                    {"REDIS_URL", url},
                                                    {"AUDIT_GROUPS", pipeline.batch_group}};
    const auto port = free_port();
    auto consumer =
        pipeline.start_consumer(false, merged(env, {{"COMMIT_TIMEOUT", "2s"},
                                                    {"REDIS_TIMEOUT", "500ms"},
                                                    {"REDIS_RETRY_MAX_BACKOFF", "1s"},
                                                    {"METRICS_PORT", std::to_string(port)}}));
    ASSERT_TRUE(wait_until(
        [&] { return consumer->output().find("assigned " + pipeline.topic) != std::string::npos; },
        seconds(90)))
        << consumer->output();

    // Hold the one and only batch back (Redis stopped) until the coordinator is frozen.
    redis_server.send_signal(SIGSTOP);
    ASSERT_EQ(pipeline.run("produce --count 10 --interval 10ms --seed 43", env).exit_code, 0);
    ASSERT_TRUE(wait_until(
        [&] { return consumer->output().find("paused consumption") != std::string::npos; },
        seconds(60)))
        << consumer->output();
    const int coordinator = group_coordinator(pipeline.batch_group, kafka);
    ASSERT_GE(coordinator, 1);
    cluster().kill_node(coordinator, SIGSTOP);
    redis_server.send_signal(SIGCONT);

    const bool unanswered = wait_until(
        [&] {
            return consumer->output().find("not answered within COMMIT_TIMEOUT") !=
                   std::string::npos;
        },
        seconds(60));
    std::string health;
    const bool stuck =
        unanswered && wait_until(
                          [&] {
                              const auto answer = http_get(port, "/health");
                              health = answer.second;
                              return answer.first == 503 &&
                                     health.find(R"("stuck":true)") != std::string::npos;
                          },
                          seconds(30));
    cluster().kill_node(coordinator, SIGCONT);
    EXPECT_TRUE(unanswered) << consumer->output();
    EXPECT_TRUE(stuck) << health;

    EXPECT_TRUE(offsets_reach_log_end(pipeline, seconds(120))) << consumer->output();
    EXPECT_TRUE(wait_until([&] { return http_get(port, "/health").first == 200; }, seconds(30)));
    const auto metrics = http_get(port, "/metrics").second;
    const auto series = [&](const std::string& name) {
        return consumer_metric(metrics, name, pipeline.batch_group);
    };
    EXPECT_GE(series("commit_failures_total"), 1) << metrics;
    EXPECT_EQ(series("committed_messages_total"), 10) << metrics;
    EXPECT_EQ(series("batches_total"), 1) << metrics;
    EXPECT_TRUE(audit_clean(pipeline, env)) << pipeline.run("audit", env).output;
}

}  // namespace
}  // namespace orderflow::test
