#pragma once

// Every librdkafka object orderflow holds, each owned by a unique_ptr whose deleter is the
// matching librdkafka destroy call, so no exit path leaks one and no code outside this library
// frees one by hand. The clients themselves are made in clients.h.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <vector>

namespace orderflow::kafka {

/// Frees a librdkafka C object with `Destroy` (rd_kafka_queue_destroy, ...).
template <auto Destroy>
struct Destroyer {
    template <class T>
    void operator()(T* object) const {
        Destroy(object);
    }
};

// The C API.
using ConfDeleter = Destroyer<&rd_kafka_conf_destroy>;
using HandleDeleter = Destroyer<&rd_kafka_destroy>;
using QueueDeleter = Destroyer<&rd_kafka_queue_destroy>;
using EventDeleter = Destroyer<&rd_kafka_event_destroy>;
using AdminOptionsDeleter = Destroyer<&rd_kafka_AdminOptions_destroy>;
using MetadataDeleter = Destroyer<&rd_kafka_metadata_destroy>;
using PartitionListDeleter = Destroyer<&rd_kafka_topic_partition_list_destroy>;
using TopicDeleter = Destroyer<&rd_kafka_topic_destroy>;
using MessageDeleter = Destroyer<&rd_kafka_message_destroy>;
using ErrorDeleter = Destroyer<&rd_kafka_error_destroy>;
using HeadersDeleter = Destroyer<&rd_kafka_headers_destroy>;
using NewTopicDeleter = Destroyer<&rd_kafka_NewTopic_destroy>;
using ConfigResourceDeleter = Destroyer<&rd_kafka_ConfigResource_destroy>;
using GroupListDeleter = Destroyer<&rd_kafka_group_list_destroy>;
using GroupOffsetsRequestDeleter = Destroyer<&rd_kafka_ListConsumerGroupOffsets_destroy>;

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter>;
using ConfigResourcePtr = std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter>;
using GroupListPtr = std::unique_ptr<const rd_kafka_group_list, GroupListDeleter>;
using GroupOffsetsRequestPtr =
    std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, GroupOffsetsRequestDeleter>;

// The C++ API: its objects are freed by delete.
using CppConfPtr = std::unique_ptr<RdKafka::Conf>;
using CppConsumerPtr = std::unique_ptr<RdKafka::KafkaConsumer>;
using CppProducerPtr = std::unique_ptr<RdKafka::Producer>;
using CppTopicPtr = std::unique_ptr<RdKafka::Topic>;
using CppMessagePtr = std::unique_ptr<RdKafka::Message>;
using CppHeadersPtr = std::unique_ptr<RdKafka::Headers>;
using CppPartitionPtr = std::unique_ptr<RdKafka::TopicPartition>;
/// Owned partitions; borrow() gives the raw list the C++ API's calls take.
using CppPartitions = std::vector<CppPartitionPtr>;

/// The raw pointers of `owned`, still owned by it (for assign(), committed(), pause() ...).
inline std::vector<RdKafka::TopicPartition*> borrow(const CppPartitions& owned) {
    std::vector<RdKafka::TopicPartition*> raw;
    raw.reserve(owned.size());
    for (const auto& partition : owned) {
        raw.push_back(partition.get());
    }
    return raw;
}

}  // namespace orderflow::kafka
