// A fatal librdkafka error (the idempotent producer's broken sequence, raised through
// librdkafka's own test hook by ORDERFLOW_FAILPOINT) replaces the producer's client: every order
// is acknowledged once or in the failed-orders file, never both, and acknowledged ones are in
// the topic. An authorization failure, or a sixth fatal error, still stops the producer.

#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

std::vector<std::string> ids_in(const std::string& path, const std::regex& id) {
    std::ifstream in(path);
    std::vector<std::string> ids;
    std::smatch match;
    for (std::string line; std::getline(in, line);) {
        if (std::regex_search(line, match, id)) {
            ids.push_back(match[1]);
        }
    }
    return ids;
}

// The producer's account of a run: what it acknowledged and what it gave up, as files.
struct Account {
    std::vector<std::string> acked;
    std::vector<std::string> failed;
    long long sent = -1;
};

Account account_of(const Pipeline& pipeline, const std::string& output) {
    Account account;
    account.acked = ids_in(pipeline.work_dir + "/acks.log", std::regex("^(\\S{36}) "));
    account.failed =
        ids_in(pipeline.work_dir + "/failed.jsonl", std::regex("\"order_id\":\"([^\"]{36})\""));
    const auto done = output.find("done: sent ");
    if (done != std::string::npos) {
        std::sscanf(output.c_str() + done, "done: sent %lld", &account.sent);
    }
    return account;
}

// Each order sent is acknowledged once or failed once, never both.
void expect_exact(const Account& account, const std::string& output) {
    std::set<std::string> acked(account.acked.begin(), account.acked.end());
    std::set<std::string> failed(account.failed.begin(), account.failed.end());
    EXPECT_EQ(acked.size(), account.acked.size()) << "an order acknowledged twice\n" << output;
    EXPECT_EQ(failed.size(), account.failed.size()) << "an order failed twice\n" << output;
    for (const auto& id : failed) {
        EXPECT_EQ(acked.count(id), 0U) << id << " acknowledged and failed";
    }
    EXPECT_GT(account.sent, 0) << output;
    EXPECT_EQ(static_cast<long long>(acked.size() + failed.size()), account.sent) << output;
}

std::vector<std::string> producer_args(const Pipeline& pipeline, const std::string& count) {
    return {orderflow_binary(), "produce",
            "--count",          count,
            "--rate",           "200",
            "--ack-log",        pipeline.work_dir + "/acks.log",
            "--failed-file",    pipeline.work_dir + "/failed.jsonl"};
}

int count_of(const std::string& text, const std::string& what) {
    int count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++count;
    }
    return count;
}

TEST(ProducerFatalError, TheClientIsReplacedAndEveryOrderIsStillAcknowledgedOnce) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto port = free_port();
    auto args = producer_args(pipeline, "0");
    args.insert(args.end(), {"--metrics-port", std::to_string(port)});
    ChildProcess producer(args, pipeline.env({{"ORDERFLOW_FAILPOINT", "fatal-after:100"}}),
                          pipeline.work_dir + "/producer.log");
    const auto replacements = [&] {
        return metric_value(http_get(port, "/metrics").second,
                            "orderflow_producer_client_replacements_total");
    };
    const bool replaced_twice = wait_until([&] { return replacements() >= 2; }, seconds(120));
    ASSERT_TRUE(replaced_twice) << producer.output();
    EXPECT_EQ(http_get(port, "/health").first, 200);  // replaced, not stopped
    producer.send_signal(SIGTERM);
    const int exit_code = producer.wait(seconds(60));
    const auto output = producer.output();
    // 3: orders not acknowledged when the stop came are in the file, which expect_exact checks.
    EXPECT_TRUE(exit_code == 0 || exit_code == 3) << output;
    EXPECT_NE(output.find("kafka fatal error OUT_OF_ORDER_SEQUENCE_NUMBER"), std::string::npos);
    EXPECT_NE(output.find("producer client replaced (2 of 5)"), std::string::npos) << output;
    EXPECT_EQ(output.find("; stopping"), std::string::npos) << output;
    const auto account = account_of(pipeline, output);
    expect_exact(account, output);
    ASSERT_GT(account.acked.size(), 200U) << output;

    // Acknowledged means in the topic (re-sent copies of purged orders may be there too).
    std::size_t in_log = 0;
    for (const auto& [partition, end] : log_end_offsets(pipeline.topic)) {
        in_log += static_cast<std::size_t>(end);
    }
    ASSERT_GE(in_log, account.acked.size());
    const auto messages = read_topic(pipeline.topic, in_log, seconds(60));
    std::string values;  // Avro writes a string's bytes as they are: the ids are in there
    for (const auto& message : messages) {
        values += message.value;
    }
    for (const auto& acked : account.acked) {
        EXPECT_NE(values.find(acked), std::string::npos)
            << acked << " acknowledged, not in the topic";
    }
}

// The bound: five replacements, then the sixth fatal error stops it with everything accounted.
TEST(ProducerFatalError, ASixthFatalErrorStopsTheProducer) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ChildProcess producer(producer_args(pipeline, "2000"),
                          pipeline.env({{"ORDERFLOW_FAILPOINT", "fatal-after:20"}}),
                          pipeline.work_dir + "/producer.log");
    const int exit_code = producer.wait(seconds(120));
    const auto output = producer.output();
    EXPECT_TRUE(exit_code == 1 || exit_code == 3) << output;
    EXPECT_EQ(count_of(output, "producer client replaced ("), 5) << output;
    EXPECT_NE(output.find("(the client was replaced 5 times already); stopping"), std::string::npos)
        << output;
    expect_exact(account_of(pipeline, output), output);
}

// No new client gets a principal the right to write: an authorization failure stays fatal.
TEST(ProducerFatalError, AnAuthorizationFailureIsNotRetriedWithANewClient) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ChildProcess producer(
        producer_args(pipeline, "2000"),
        pipeline.env({{"ORDERFLOW_FAILPOINT", "fatal-after:30:CLUSTER_AUTHORIZATION_FAILED"}}),
        pipeline.work_dir + "/producer.log");
    const int exit_code = producer.wait(seconds(120));
    const auto output = producer.output();
    EXPECT_TRUE(exit_code == 1 || exit_code == 3) << output;
    EXPECT_NE(output.find("kafka fatal error CLUSTER_AUTHORIZATION_FAILED"), std::string::npos)
        << output;
    EXPECT_NE(output.find("; stopping"), std::string::npos) << output;
    EXPECT_EQ(output.find("producer client replaced"), std::string::npos) << output;
    expect_exact(account_of(pipeline, output), output);
}

}  // namespace
}  // namespace orderflow::test
