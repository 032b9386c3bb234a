#include "consumer/kafka_offsets.h"

#include "kafka/clients.h"

#include <cstdint>

namespace orderflow::consumer {

KafkaOffsets::KafkaOffsets(RdKafka::KafkaConsumer& consumer)
    : consumer_(consumer), queue_(rd_kafka_queue_new(consumer.c_ptr())) {}

std::string KafkaOffsets::store(const CommitOffsets& offsets) {
    kafka::CppPartitions owned;
    for (const auto& [tp, next] : offsets) {
        // last written offset + 1: stored as is
        owned.push_back(kafka::make_cpp_partition(tp.first, tp.second, next));
    }
    auto list = kafka::borrow(owned);
    const auto code = consumer_.offsets_store(list);
    return code == RdKafka::ERR_NO_ERROR ? "" : RdKafka::err2str(code);
}

std::string KafkaOffsets::commit_async(const CommitOffsets& offsets, std::uint64_t tag) {
    if (!queue_) {
        return "the consumer is closing";
    }
    std::vector<kafka::PartitionOffset> partitions;
    for (const auto& [tp, next] : offsets) {
        partitions.push_back({tp.first, tp.second, next});
    }
    const auto list = kafka::make_partition_list(partitions);
    // The tag comes back as the answer's opaque (an integer, not a pointer to anything).
    const auto code =
        rd_kafka_commit_queue(consumer_.c_ptr(), list.get(), queue_.get(), nullptr,
                              reinterpret_cast<void*>(static_cast<std::uintptr_t>(tag)));
    return code == RD_KAFKA_RESP_ERR_NO_ERROR ? "" : rd_kafka_err2str(code);
}

std::optional<CommitReply> KafkaOffsets::poll(std::chrono::milliseconds wait) {
    if (!queue_) {
        return std::nullopt;
    }
    const kafka::EventPtr event(rd_kafka_queue_poll(queue_.get(), static_cast<int>(wait.count())));
    if (!event || rd_kafka_event_type(event.get()) != RD_KAFKA_EVENT_OFFSET_COMMIT) {
        return std::nullopt;
    }
    CommitReply reply;
    reply.tag = static_cast<std::uint64_t>(
        reinterpret_cast<std::uintptr_t>(rd_kafka_event_opaque(event.get())));
    const auto code = rd_kafka_event_error(event.get());
    // ERR__NO_OFFSET: nothing to commit, i.e. already committed.
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        reply.error =
            std::string(rd_kafka_err2name(code)) + ": " + rd_kafka_event_error_string(event.get());
    }
    if (const auto* list = rd_kafka_event_topic_partition_list(event.get())) {
        for (int i = 0; i < list->cnt; ++i) {
            const auto& p = list->elems[i];
            if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                reply.partition_errors[{p.topic, p.partition}] = rd_kafka_err2str(p.err);
            }
        }
    }
    return reply;
}

}  // namespace orderflow::consumer
