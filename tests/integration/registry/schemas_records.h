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

inline void produce(const std::string& topic, const std::vector<Recorded>& records) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = test::shared_stack().bootstrap_servers;
    kafka::AdminClient admin(settings);
    admin.create_topic({topic, 1, 3, {{"cleanup.policy", "compact"}}});
    const auto producer = kafka::make_producer(settings, {{"acks", "all"}}, "a _schemas writer");
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
}

}  // namespace orderflow::registry::testing
