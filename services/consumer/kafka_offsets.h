#pragma once

#include "consumer/commit_policy.h"
#include "kafka/handles.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>

namespace orderflow::consumer {

/**
 * Commits for a KafkaConsumer that never block the loop: rd_kafka_commit_queue() sends them
 * with their answers on a private queue that poll() reads with a bounded wait, so consume()
 * keeps serving while a coordinator is away (a synchronous commit could block for long).
 * close() destroys the queue; call it before the consumer is closed (librdkafka wants every
 * queue gone by then); afterwards nothing is sent.
 */
class KafkaOffsets : public OffsetCommitter {
public:
    explicit KafkaOffsets(RdKafka::KafkaConsumer& consumer);
    std::string store(const CommitOffsets& offsets) override;
    std::string commit_async(const CommitOffsets& offsets, std::uint64_t tag) override;
    std::optional<CommitReply> poll(std::chrono::milliseconds wait) override;
    void close() { queue_.reset(); }

private:
    RdKafka::KafkaConsumer& consumer_;
    kafka::QueuePtr queue_;
};

}  // namespace orderflow::consumer
