#pragma once

// A fresh topic on the shared stack with records in known partitions, for libs/kafka's tests.

#include "kafka/admin_client.h"
#include "kafka/clients.h"
#include "support/test_support.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace orderflow::test {

inline kafka::ClientSettings stack_client(const std::string& client_id) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = shared_stack().bootstrap_servers;
    settings.client_id = client_id;
    return settings;
}

/// Creates `partitions` x RF 3 and writes `count` records "value-<i>" (key "key-<i>") to
/// `partition`, each with header "n" = i; waits for every acknowledgement.
// Which records (by index, the message opaque) a flush left undelivered.
class FailedDeliveries : public RdKafka::DeliveryReportCb {
public:
    void dr_cb(RdKafka::Message& message) override {
        if (message.err() != RdKafka::ERR_NO_ERROR) {
            failed.push_back(
                static_cast<int>(reinterpret_cast<std::intptr_t>(message.msg_opaque())));
        }
    }
    std::vector<int> failed;
};

inline std::string make_topic_with_records(int partitions, std::int32_t partition, int count) {
    const auto topic = unique_name("kafka-lib");
    kafka::AdminClient admin(stack_client("kafka-lib-test"));
    admin.create_topic({topic, partitions, 3, {{"min.insync.replicas", "2"}}});
    FailedDeliveries deliveries;
    const auto producer =
        kafka::make_cpp_producer(stack_client("kafka-lib-test"), {{"acks", "all"}},
                                 "a test producer", {.delivery = &deliveries});
    // A broker that has not heard of the new topic yet may answer the producer's metadata
    // ("partition count changed from 3 to 0") and fail what is queued: send those again.
    std::vector<int> pending;
    for (int i = 0; i < count; ++i) {
        pending.push_back(i);
    }
    for (int attempt = 0; !pending.empty(); ++attempt) {
        if (attempt == 10) {
            throw std::runtime_error(std::to_string(pending.size()) + " records not delivered");
        }
        deliveries.failed.clear();
        for (const int i : pending) {
            const auto key = "key-" + std::to_string(i);
            auto value = "value-" + std::to_string(i);
            auto headers = kafka::make_cpp_headers({{"n", std::to_string(i)}});
            const auto err =
                producer->produce(topic, partition, RdKafka::Producer::RK_MSG_COPY, value.data(),
                                  value.size(), key.data(), key.size(), 0, headers.get(),
                                  reinterpret_cast<void*>(static_cast<std::intptr_t>(i)));
            if (err == RdKafka::ERR_NO_ERROR) {
                headers.release();  // librdkafka owns them once the message is queued
            } else {
                // After such an answer the producer refuses the partition at once: next round.
                if (err != RdKafka::ERR__UNKNOWN_PARTITION && err != RdKafka::ERR__UNKNOWN_TOPIC) {
                    throw std::runtime_error("produce failed: " + RdKafka::err2str(err));
                }
                deliveries.failed.push_back(i);
            }
        }
        if (producer->flush(30000) != RdKafka::ERR_NO_ERROR || producer->outq_len() != 0) {
            throw std::runtime_error("records not acknowledged");
        }
        pending = deliveries.failed;
        std::sort(pending.begin(), pending.end());
        if (!pending.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
    }
    return topic;
}

}  // namespace orderflow::test
