#include "common/config_error.h"
#include "kafka/clients.h"
#include "kafka/poll_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace orderflow::kafka {
namespace {

// None of these talk to a broker: librdkafka makes clients and lists without connecting.

TEST(KafkaClients, PartitionListKeepsOrderAndOffsets) {
    const auto list = make_partition_list({{"orders", 0, 42}, {"orders", 3}});
    ASSERT_EQ(list->cnt, 2);
    EXPECT_STREQ(list->elems[0].topic, "orders");
    EXPECT_EQ(list->elems[0].partition, 0);
    EXPECT_EQ(list->elems[0].offset, 42);
    EXPECT_EQ(list->elems[1].partition, 3);
    EXPECT_EQ(list->elems[1].offset, RD_KAFKA_OFFSET_INVALID);
}

TEST(KafkaClients, CppPartitionsAreBorrowedInOrder) {
    CppPartitions owned;
    owned.push_back(make_cpp_partition("orders", 1, 7));
    owned.push_back(make_cpp_partition("orders", 2));
    const auto raw = borrow(owned);
    ASSERT_EQ(raw.size(), 2U);
    EXPECT_EQ(raw[0], owned[0].get());
    EXPECT_EQ(raw[0]->offset(), 7);
    EXPECT_EQ(raw[1]->partition(), 2);
    EXPECT_EQ(raw[1]->offset(), RdKafka::Topic::OFFSET_INVALID);
}

TEST(KafkaClients, CppHeadersHoldEveryPairInOrder) {
    const auto headers = make_cpp_headers({{"reason", "bad"}, {"reason", "worse"}, {"x", ""}});
    const auto all = headers->get_all();
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].key(), "reason");
    EXPECT_EQ(std::string(static_cast<const char*>(all[1].value()), all[1].value_size()), "worse");
    EXPECT_EQ(all[2].value_size(), 0U);
}

TEST(KafkaClients, ARefusedClientIsAConfigErrorNamingWhatAndSetting) {
    // A transactional producer needs idempotence: librdkafka refuses it at creation.
    ClientSettings settings;
    try {
        make_producer(settings, {{"transactional.id", "t"}, {"enable.idempotence", "false"}},
                      "the test producer");
        FAIL() << "created";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), "KAFKA_EXTRA");
        EXPECT_NE(std::string(e.what()).find("cannot create the test producer: "),
                  std::string::npos)
            << e.what();
    }
}

TEST(KafkaClients, ARejectedPropertyNamesKafkaExtra) {
    ClientSettings settings;
    settings.extra = {{"no.such.property", "1"}};
    try {
        make_cpp_consumer(settings, {{"group.id", "g"}}, "a consumer");
        FAIL() << "created";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), "KAFKA_EXTRA");
    }
}

TEST(KafkaClients, ConsumersAndProducersAreMadeWithoutABroker) {
    ClientSettings settings;
    settings.bootstrap_servers = "127.0.0.1:1";
    EXPECT_NE(make_consumer(settings, {{"group.id", "g"}}, "a consumer"), nullptr);
    EXPECT_NE(make_cpp_producer(settings, {}, "a producer"), nullptr);
}

std::atomic<rd_kafka_resp_err_t> last_report{RD_KAFKA_RESP_ERR_NO_ERROR};

extern "C" void count_report(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
    last_report = message->err;
    static_cast<std::atomic<int>*>(opaque)->fetch_add(1);
}

TEST(KafkaPollThread, ServesDeliveryReportsUntilStopped) {
    ClientSettings settings;
    settings.bootstrap_servers = "127.0.0.1:1";  // nobody listens: the message times out
    std::atomic<int> served{0};
    const auto producer = make_producer(settings, {{"message.timeout.ms", "50"}}, "a producer",
                                        {.delivery = count_report, .opaque = &served});
    PollThread poller("test poller", producer.get(), std::chrono::milliseconds(10));
    std::string value = "v";
    const auto topic = make_topic(producer.get(), "t");
    ASSERT_EQ(rd_kafka_produce(topic.get(), RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                               value.data(), value.size(), nullptr, 0, nullptr),
              0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (served == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    poller.stop();
    EXPECT_EQ(served, 1);
    EXPECT_EQ(last_report, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
}

}  // namespace
}  // namespace orderflow::kafka
