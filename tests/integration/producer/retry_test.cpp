#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

// Two of the three brokers of a private cluster are frozen (SIGSTOP) while orders flow: sends
// time out (a retriable error), are re-sent with backoff, and all arrive once the brokers
// resume. Nothing ends in the failed-orders file.
TEST(Producer, RetriableDeliveryErrorsAreResentUntilDelivered) {
    KafkaCluster cluster;
    RegistryProcess registry;  // on the shared stack: only the producer uses the private cluster
    Pipeline pipeline(registry.url());
    ChildProcess producer({orderflow_binary(), "produce", "--count", "60", "--interval", "200ms"},
                          pipeline.env({{"KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrap_servers()},
                                        {"DELIVERY_TIMEOUT", "2s"},
                                        {"PRODUCE_RETRIES", "30"},
                                        {"PRODUCE_RETRY_BACKOFF", "200ms"}}),
                          pipeline.work_dir + "/producer.log");
    ASSERT_TRUE(
        wait_until([&] { return producer.output().find("delivered order") != std::string::npos; },
                   seconds(120)))
        << producer.output();
    cluster.kill_node(2, SIGSTOP);
    cluster.kill_node(3, SIGSTOP);
    const bool resent =
        wait_until([&] { return producer.output().find("re-send 1 of 30") != std::string::npos; },
                   seconds(60));
    cluster.kill_node(2, SIGCONT);
    cluster.kill_node(3, SIGCONT);
    ASSERT_TRUE(resent) << producer.output();
    EXPECT_EQ(producer.wait(seconds(180)), 0) << producer.output();
    const auto out = producer.output();
    const auto done = out.find("done: sent ");
    ASSERT_NE(done, std::string::npos) << out;
    long long sent = 0, delivered = 0, retried = 0, failed = -1;
    ASSERT_EQ(
        std::sscanf(out.c_str() + done, "done: sent %lld delivered %lld retried %lld failed %lld",
                    &sent, &delivered, &retried, &failed),
        4)
        << out;
    EXPECT_EQ(sent, 60);
    EXPECT_EQ(delivered, 60) << out;
    EXPECT_GT(retried, 0) << out;
    EXPECT_EQ(failed, 0) << out;
}

}  // namespace
}  // namespace orderflow::test
