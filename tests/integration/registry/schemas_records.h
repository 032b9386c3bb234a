#pragma once

// Writes records straight into a `_schemas` topic (created compacted, 1 partition, RF 3 on the
// shared stack), as Confluent's registry or a hostile client would.

#include "kafka/admin_client.h"
#include "kafka/client_config.h"
#include "kafka/clients.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::registry::testing {

struct Recorded {
    std::string key;
    std::optional<std::string> value;
};

// The delivery report of each record (served by rd_kafka_flush on the caller's thread).
inline void collect_delivery_errors(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        static_cast<std::vector<std::string>*>(opaque)->push_back(rd_kafka_err2str(message->err));
    }
}

// True once `topic`'s one partition has a leader in the metadata `producer` gets: a topic
// just created may not have one yet on every broker.
inline bool has_leader(rd_kafka_t* producer, const std::string& topic) {
    const kafka::TopicPtr handle(rd_kafka_topic_new(producer, topic.c_str(), nullptr));
    const rd_kafka_metadata_t* metadata = nullptr;
    if (rd_kafka_metadata(producer, 0, handle.get(), &metadata, 5000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
    }
    const bool led = metadata->topic_cnt == 1 && metadata->topics[0].err == 0 &&
                     metadata->topics[0].partition_cnt == 1 &&
                     metadata->topics[0].partitions[0].leader >= 0;
    rd_kafka_metadata_destroy(metadata);
    return led;
}

// Every record is acknowledged (acks=all) at the offset its place in `records` gives, or the
// test fails naming the delivery errors: the tests count on those offsets.
inline void produce(const std::string& topic, const std::vector<Recorded>& records) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = test::shared_stack().bootstrap_servers;
    kafka::AdminClient admin(settings);
    admin.create_topic({topic, 1, 3, {{"cleanup.policy", "compact"}}});
    std::vector<std::string> errors;
    kafka::CCallbacks callbacks;
    callbacks.delivery = collect_delivery_errors;
    callbacks.opaque = &errors;
    const auto producer =
        kafka::make_producer(settings, {{"acks", "all"}, {"enable.idempotence", "true"}},
                             "a _schemas writer", callbacks);
    ASSERT_TRUE(test::wait_until([&] { return has_leader(producer.get(), topic); },
                                 std::chrono::seconds(30)))
        << topic << " has no leader";
    for (const auto& r : records) {
        std::array<rd_kafka_vu_t, 4> vu{};
        vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vu[0].u.cstr = topic.c_str();
        vu[1].vtype = RD_KAFKA_VTYPE_KEY;
        vu[1].u.mem.ptr = const_cast<char*>(r.key.data());
        vu[1].u.mem.size = r.key.size();
        vu[2].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[2].u.mem.ptr = r.value ? const_cast<char*>(r.value->data()) : nullptr;
        vu[2].u.mem.size = r.value ? r.value->size() : 0;
        vu[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[3].u.i = RD_KAFKA_MSG_F_COPY;
        const kafka::ErrorPtr failed(rd_kafka_produceva(producer.get(), vu.data(), vu.size()));
        ASSERT_FALSE(failed) << rd_kafka_error_string(failed.get());
    }
    ASSERT_EQ(rd_kafka_flush(producer.get(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_TRUE(errors.empty()) << errors.size() << " record(s) not delivered to " << topic
                                << ", first: " << errors.front();
}

}  // namespace orderflow::registry::testing
