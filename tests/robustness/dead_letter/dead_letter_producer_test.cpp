// The consumer's dead-letter producer (KafkaDeadLetterSink) on a private cluster whose brokers
// are frozen: a send gets every verdict because it waits past the message timeout, a send
// whose reports cannot come is reported when its flush runs out, and the late reports of that
// send are not counted for the next one.

#include "consumer/dead_letter.h"
#include "kafka/admin_client.h"
#include "kafka/topic_reader.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>

namespace orderflow::test {
namespace {

using consumer::DeadLetter;
using consumer::KafkaDeadLetterSink;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kMaxMessageBytes = 1000;  // the topic's limit; the broker rejects more

serde::InboundMessage source(std::int64_t offset, std::string value) {
    return {"orders", 0, offset, "key-" + std::to_string(offset), std::move(value), 0, {}};
}

std::vector<DeadLetter> letters(const std::vector<serde::InboundMessage>& messages) {
    std::vector<DeadLetter> out;
    for (const auto& message : messages) {
        out.push_back({&message, serde::PoisonKind::kUndecodable, "test"});
    }
    return out;
}

/// The TransientError text of send(), or "sent" when it returned.
std::string outcome(KafkaDeadLetterSink& sink, const std::vector<serde::InboundMessage>& batch) {
    try {
        sink.send(letters(batch));
        return "sent";
    } catch (const common::TransientError& e) {
        return e.what();
    }
}

void signal_all(KafkaCluster& cluster, int signal) {
    for (int node = 1; node <= 3; ++node) {
        cluster.kill_node(node, signal);
    }
}

TEST(DeadLetterProducer, ReportsEveryFailureOfItsOwnSendAndIgnoresLateReportsOfEarlierOnes) {
    KafkaCluster cluster;
    kafka::ClientSettings client;
    client.bootstrap_servers = cluster.bootstrap_servers();
    client.client_id = "dlq-producer-test";
    const std::string topic = "orders.dlq";
    kafka::AdminClient(client).create_topic(
        {topic,
         1,
         3,
         {{"min.insync.replicas", "2"}, {"max.message.bytes", std::to_string(kMaxMessageBytes)}}});

    // Message timeout 3 s: each message gets a verdict by then. 0 (librdkafka: infinite) makes
    // the verdicts wait for the brokers, so only the flush deadline (the 5 s margin) ends a send.
    KafkaDeadLetterSink timing_out(client, topic, "dlq-test", seconds(3));
    KafkaDeadLetterSink never_timing_out(client, topic, "dlq-test", milliseconds(0));
    const std::vector<serde::InboundMessage> first = {source(1, "first")};
    ASSERT_EQ(outcome(timing_out, first), "sent");
    ASSERT_EQ(outcome(never_timing_out, first), "sent");

    signal_all(cluster, SIGSTOP);
    const std::vector<serde::InboundMessage> frozen = {source(2, "a"), source(3, "b")};
    const auto ran_out = outcome(never_timing_out, frozen);
    const std::vector<serde::InboundMessage> doomed = {source(4, "c"), source(5, "d")};
    const auto timed_out = outcome(timing_out, doomed);
    signal_all(cluster, SIGCONT);
    std::cout << "flush ran out: " << ran_out << "\nmessage timeout: " << timed_out << "\n";

    // No verdict came: the flush deadline ended the send, and it says so.
    EXPECT_NE(ran_out.find("0 failed, 2 unacknowledged"), std::string::npos) << ran_out;
    // The flush outlasted the message timeout: both messages were reported failed, none is
    // left without a verdict.
    EXPECT_NE(timed_out.find("2 failed, 0 unacknowledged"), std::string::npos) << timed_out;
    EXPECT_NE(timed_out.find("timed out"), std::string::npos) << timed_out;

    // "a" and "b" are still queued and are delivered once the brokers run again, while the
    // next send waits for a letter the broker rejects as too large. Were their late reports
    // counted, that send would return as if its letter were written. It must fail with its
    // own letter's error; a send that runs out first (the cluster is still waking up) is
    // retried, and none may come back "sent".
    const std::vector<serde::InboundMessage> too_large = {
        source(6, std::string(2 * kMaxMessageBytes, 'x'))};
    std::vector<std::string> outcomes;
    const bool rejected = wait_until(
        [&] {
            outcomes.push_back(outcome(never_timing_out, too_large));
            return outcomes.back().find("1 failed") != std::string::npos ||
                   outcomes.back() == "sent";
        },
        seconds(120), milliseconds(0));
    ASSERT_TRUE(rejected) << outcomes.back();
    for (const auto& text : outcomes) {
        EXPECT_NE(text, "sent") << "a rejected letter was reported written";
    }
    EXPECT_NE(outcomes.back().find("1 failed, 0 unacknowledged"), std::string::npos)
        << outcomes.back();
    EXPECT_NE(outcomes.back().find("too large"), std::string::npos) << outcomes.back();

    // The frozen send's letters were not lost by giving up on them: each is in the topic once.
    kafka::ReadRequest request;
    request.topic = topic;
    request.partitions = {0};
    request.timeout = seconds(60);
    std::map<std::string, int> copies;
    for (const auto& record : kafka::read_topic(client, request)) {
        ++copies[record.value];
    }
    EXPECT_EQ(copies["a"], 1);
    EXPECT_EQ(copies["b"], 1);
    EXPECT_EQ(copies["first"], 2);
    EXPECT_EQ(copies.count(std::string(2 * kMaxMessageBytes, 'x')), 0U);
}

}  // namespace
}  // namespace orderflow::test
