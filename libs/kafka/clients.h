#pragma once

// The one place orderflow makes librdkafka clients and the small objects their calls take. Each
// make_* sets the client up from ClientSettings (make_conf / make_cpp_conf), adds its callbacks
// and throws common::ConfigError when librdkafka refuses: it refuses a client only for its
// configuration, so the error names KAFKA_EXTRA or KAFKA_PROPERTIES_FILE (or the setting given),
// with every secret value of those settings hidden.

#include "kafka/client_config.h"
#include "kafka/handles.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

/// Callbacks of a C client; each receives `opaque` as its last argument.
struct CCallbacks {
    void (*delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr;
    void (*error)(rd_kafka_t*, int, const char*, void*) = nullptr;
    void (*rebalance)(rd_kafka_t*,
                      rd_kafka_resp_err_t,
                      rd_kafka_topic_partition_list_t*,
                      void*) = nullptr;
    void* opaque = nullptr;
};

/// Callbacks of a C++ client; they must outlive it.
struct CppCallbacks {
    RdKafka::EventCb* events = nullptr;
    RdKafka::RebalanceCb* rebalance = nullptr;
    RdKafka::DeliveryReportCb* delivery = nullptr;
};

/**
 * A C client of `type` from `conf`, which it takes, made from `settings`. `what` names it in
 * the error ("the _schemas writer"). Errors: ConfigError naming `setting` ("": the settings'
 * source()).
 */
HandlePtr make_handle(rd_kafka_type_t type,
                      ConfPtr conf,
                      const ClientSettings& settings,
                      const std::string& what,
                      const std::string& setting = "");

/// A C producer with `properties` after the connection settings. Errors: ConfigError.
HandlePtr make_producer(const ClientSettings& settings,
                        const std::vector<Property>& properties,
                        const std::string& what,
                        const CCallbacks& callbacks = {});

/// A C consumer whose events all come through rd_kafka_consumer_poll (its main queue is
/// redirected to the consumer queue). Errors: ConfigError.
HandlePtr make_consumer(const ClientSettings& settings,
                        const std::vector<Property>& properties,
                        const std::string& what,
                        const CCallbacks& callbacks = {});

/// A C++ KafkaConsumer. Errors: ConfigError.
CppConsumerPtr make_cpp_consumer(const ClientSettings& settings,
                                 const std::vector<Property>& properties,
                                 const std::string& what,
                                 const CppCallbacks& callbacks = {});

/// A C++ Producer. Errors: ConfigError.
CppProducerPtr make_cpp_producer(const ClientSettings& settings,
                                 const std::vector<Property>& properties,
                                 const std::string& what,
                                 const CppCallbacks& callbacks = {});

/// One partition of a topic at an offset, for the C API's partition lists.
struct PartitionOffset {
    std::string topic;
    std::int32_t partition = RD_KAFKA_PARTITION_UA;
    std::int64_t offset = RD_KAFKA_OFFSET_INVALID;
};

/// A C partition list holding `partitions` in order.
PartitionListPtr make_partition_list(const std::vector<PartitionOffset>& partitions);

/// A C topic object of `handle` (for metadata requests); it must not outlive the handle.
TopicPtr make_topic(rd_kafka_t* handle, const std::string& topic);

/// A C++ partition (the C++ API's default offset: none).
CppPartitionPtr make_cpp_partition(const std::string& topic,
                                   std::int32_t partition,
                                   std::int64_t offset = RdKafka::Topic::OFFSET_INVALID);

/// C++ message headers holding `headers` in order.
CppHeadersPtr make_cpp_headers(const std::vector<std::pair<std::string, std::string>>& headers);

/// A C++ topic object of `client`. Errors: KafkaError.
CppTopicPtr make_cpp_topic(RdKafka::Handle& client, const std::string& topic);

}  // namespace orderflow::kafka
