// The platform's promise, on a real 3-node KRaft cluster: `orders` is 5 partitions x 3 replicas
// with min.insync.replicas=2; acks=all writes survive one dead broker, stop when two are dead,
// and nothing acknowledged is lost once they return.
#include "kafka/admin_client.h"
#include "kafka/client_config.h"
#include "kafka/clients.h"
#include "kafka/presets.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orderflow::test {
namespace {

using namespace std::chrono_literals;

kafka::ClientSettings settings_for(const std::string& bootstrap) {
    kafka::ClientSettings s;
    s.bootstrap_servers = bootstrap;
    s.client_id = "platform-test";
    return s;
}

// An idempotent acks=all producer whose delivery reports land in `delivered`/`failed`.
class SyncProducer {
public:
    SyncProducer(const std::string& bootstrap, int message_timeout_ms)
        : handle_(kafka::make_producer(
              settings_for(bootstrap),
              kafka::presets::join({kafka::presets::acknowledged(),
                                    {{"message.timeout.ms", std::to_string(message_timeout_ms)}}}),
              "the platform test producer",
              {.delivery = &SyncProducer::on_delivery, .opaque = this})) {}

    // Sends one record and waits for its delivery report. Returns the report's error code.
    rd_kafka_resp_err_t send(const std::string& topic, const std::string& value) {
        last_ = RD_KAFKA_RESP_ERR__IN_PROGRESS;
        const int rc =
            rd_kafka_produce(kafka::make_topic(handle_.get(), topic).get(), RD_KAFKA_PARTITION_UA,
                             RD_KAFKA_MSG_F_COPY, const_cast<char*>(value.data()), value.size(),
                             nullptr, 0, nullptr);
        if (rc != 0) {
            return rd_kafka_last_error();
        }
        while (last_ == RD_KAFKA_RESP_ERR__IN_PROGRESS) {
            rd_kafka_poll(handle_.get(), 100);
        }
        return last_;
    }

    // Sends every value at once and waits for all their delivery reports (one timeout for all,
    // not one per value). Returns each value's error code, in the order given.
    std::vector<rd_kafka_resp_err_t> send_all(const std::string& topic,
                                              const std::vector<std::string>& values) {
        reports_.assign(values.size(), RD_KAFKA_RESP_ERR__IN_PROGRESS);
        const auto handle = kafka::make_topic(handle_.get(), topic);
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (rd_kafka_produce(handle.get(), RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                 const_cast<char*>(values[i].data()), values[i].size(), nullptr, 0,
                                 reinterpret_cast<void*>(i + 1)) != 0) {
                reports_[i] = rd_kafka_last_error();
            }
        }
        while (std::count(reports_.begin(), reports_.end(), RD_KAFKA_RESP_ERR__IN_PROGRESS) > 0) {
            rd_kafka_poll(handle_.get(), 100);
        }
        return reports_;
    }

private:
    static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
        auto* self = static_cast<SyncProducer*>(opaque);
        const auto index = reinterpret_cast<std::uintptr_t>(message->_private);
        if (index == 0) {
            self->last_ = message->err;
        } else {
            self->reports_.at(index - 1) = message->err;
        }
    }
    kafka::HandlePtr handle_;
    rd_kafka_resp_err_t last_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::vector<rd_kafka_resp_err_t> reports_;
};

// Reads every partition of `topic` from the beginning to its end (no consumer group).
std::multiset<std::string> read_all(const std::string& bootstrap,
                                    const std::string& topic,
                                    int partitions) {
    const auto consumer = kafka::make_consumer(settings_for(bootstrap),
                                               {{"group.id", unique_name("reader")},
                                                {"enable.auto.commit", "false"},
                                                {"enable.partition.eof", "true"}},
                                               "the platform test reader");
    std::vector<kafka::PartitionOffset> from_start;
    for (int p = 0; p < partitions; ++p) {
        from_start.push_back({topic, p, RD_KAFKA_OFFSET_BEGINNING});
    }
    rd_kafka_assign(consumer.get(), kafka::make_partition_list(from_start).get());
    std::multiset<std::string> values;
    int at_end = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (at_end < partitions && std::chrono::steady_clock::now() < deadline) {
        const kafka::MessagePtr m(rd_kafka_consumer_poll(consumer.get(), 500));
        if (!m) {
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            ++at_end;
        } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            values.emplace(static_cast<const char*>(m->payload), m->len);
        }
    }
    rd_kafka_consumer_close(consumer.get());
    EXPECT_EQ(at_end, partitions) << "did not reach the end of every partition";
    return values;
}

// Metadata comes from any broker, and one may lag just after a change: callers poll this and
// keep the description that satisfied them.
bool isr_is_full(const std::optional<kafka::TopicInfo>& info) {
    if (!info || info->partitions.size() != 5) {
        return false;
    }
    for (const auto& p : info->partitions) {
        if (p.isr.size() != 3 || p.leader < 0) {
            return false;
        }
    }
    return true;
}

// Progress on stdout, so a slow phase shows in the ctest log.
void step(const std::string& what) {
    static const auto start = std::chrono::steady_clock::now();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    std::cout << "[" << elapsed.count() / 1000.0 << " s] " << what << std::endl;
}

TEST(KafkaCluster, OrdersTopicSurvivesOneBrokerAndStopsWritesWithoutTwo) {
    step("starting a private 3-node cluster");
    KafkaCluster cluster;
    step("cluster ready at " + cluster.bootstrap_servers());
    kafka::AdminClient admin(settings_for(cluster.bootstrap_servers()), 15s);

    // 3 brokers registered and a KRaft quorum leader.
    const auto brokers = admin.brokers();
    ASSERT_EQ(brokers.size(), 3u);
    EXPECT_EQ(brokers[0].id, 1);
    EXPECT_EQ(brokers[2].id, 3);
    const auto quorum = cluster.quorum_status();
    EXPECT_EQ(quorum.exit_code, 0) << quorum.output;
    EXPECT_NE(quorum.output.find("LeaderId:"), std::string::npos) << quorum.output;
    EXPECT_EQ(quorum.output.find("LeaderId:               -1"), std::string::npos) << quorum.output;
    for (const auto* voter : {R"({"id": 1,)", R"({"id": 2,)", R"({"id": 3,)"}) {
        EXPECT_NE(quorum.output.find(voter), std::string::npos) << voter << quorum.output;
    }

    // orders: 5 partitions, RF 3, min.insync.replicas=2, full ISR.
    const kafka::TopicSpec spec{"orders", 5, 3, {{"min.insync.replicas", "2"}}};
    EXPECT_EQ(admin.create_topic(spec), kafka::CreateOutcome::kCreated);
    EXPECT_EQ(admin.create_topic(spec), kafka::CreateOutcome::kAlreadyExists);
    std::optional<kafka::TopicInfo> described;
    ASSERT_TRUE(wait_until(
        [&] {
            described = admin.describe_topic("orders");
            return isr_is_full(described);
        },
        30s));
    for (const auto& p : described->partitions) {
        EXPECT_EQ(p.replicas.size(), 3u) << "partition " << p.id;
    }
    EXPECT_EQ(admin.topic_configs("orders").at("min.insync.replicas"), "2");

    step("orders created: 5 partitions x 3 replicas, full ISR");
    // Produce and consume a record.
    SyncProducer producer(cluster.bootstrap_servers(), 60000);
    std::vector<std::string> acknowledged;
    ASSERT_EQ(producer.send("orders", "healthy-0"), RD_KAFKA_RESP_ERR_NO_ERROR);
    acknowledged.push_back("healthy-0");
    EXPECT_EQ(read_all(cluster.bootstrap_servers(), "orders", 5).count("healthy-0"), 1u);

    step("produced and consumed a record; SIGKILL node 3");
    // One broker dead: ISR shrinks to 2 >= min.insync.replicas, acks=all writes succeed.
    cluster.kill_node(3, SIGKILL);
    for (int i = 0; i < 10; ++i) {
        const auto value = "one-down-" + std::to_string(i);
        ASSERT_EQ(producer.send("orders", value), RD_KAFKA_RESP_ERR_NO_ERROR) << value;
        acknowledged.push_back(value);
    }

    // Two brokers dead: no partition can reach 2 in-sync replicas, writes must fail.
    step("10 acks=all writes succeeded with 2 brokers; SIGKILL node 2");
    cluster.kill_node(2, SIGKILL);
    SyncProducer short_timeout(cluster.bootstrap_servers(), 6000);
    int failed = 0;
    const std::vector<std::string> two_down = {"two-down-0", "two-down-1", "two-down-2"};
    const auto reports = short_timeout.send_all("orders", two_down);
    for (std::size_t i = 0; i < two_down.size(); ++i) {
        const auto err = reports[i];
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            acknowledged.push_back(two_down[i]);
        } else {
            EXPECT_TRUE(err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ||
                        err == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS ||
                        err == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
                << rd_kafka_err2name(err);
            ++failed;
        }
    }
    EXPECT_EQ(failed, 3) << "writes were acknowledged with only one broker alive";

    // Both back: ISR full again and every acknowledged record is still there.
    step("writes failed with 1 broker; restarting nodes 2 and 3");
    cluster.start_node(2);
    cluster.start_node(3);
    step("nodes back; waiting for a full ISR");
    EXPECT_TRUE(wait_until([&] { return isr_is_full(admin.describe_topic("orders")); }, 120s, 1s))
        << "ISR did not recover to 3 replicas";
    step("ISR full; reading every partition back");
    const auto stored = read_all(cluster.bootstrap_servers(), "orders", 5);
    for (const auto& value : acknowledged) {
        EXPECT_GE(stored.count(value), 1u) << "acknowledged record lost: " << value;
    }
}

TEST(KafkaCluster, AdminErrorsAreClear) {
    KafkaCluster cluster;
    kafka::AdminClient admin(settings_for(cluster.bootstrap_servers()), 15s);
    try {
        admin.create_topic({"too-many-replicas", 1, 4, {}});
        FAIL() << "RF 4 accepted on 3 brokers";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("replication factor 4 is larger than the 3 live"),
                  std::string::npos)
            << e.what();
    }
    admin.create_topic({"three", 3, 1, {}});
    try {
        admin.create_topic({"three", 5, 1, {}});
        FAIL() << "existing topic with 3 partitions accepted as 5";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("exists with 3 partitions, not 5"), std::string::npos)
            << e.what();
    }
    // The binary gives the same messages and a non-zero exit code.
    const auto cli = run_command(orderflow_binary() + " admin --bootstrap-servers " +
                                 cluster.bootstrap_servers() +
                                 " create-topic three --partitions 5 --replication-factor 1");
    EXPECT_NE(cli.exit_code, 0);
    EXPECT_NE(cli.output.find("exists with 3 partitions, not 5"), std::string::npos) << cli.output;
    const auto listed = run_command(orderflow_binary() + " admin --bootstrap-servers " +
                                    cluster.bootstrap_servers() + " brokers");
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_NE(listed.output.find("127.0.0.1:"), std::string::npos) << listed.output;

    const auto unreachable = run_command(
        orderflow_binary() + " admin --bootstrap-servers 127.0.0.1:1 --timeout 2 topics");
    EXPECT_NE(unreachable.exit_code, 0);
    EXPECT_NE(unreachable.output.find("cannot reach any Kafka broker at 127.0.0.1:1"),
              std::string::npos)
        << unreachable.output;
}

}  // namespace
}  // namespace orderflow::test
