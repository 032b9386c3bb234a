#pragma once

// A live tail of a topic from given offsets (the log ends when the tail was opened): a
// consumer that joins no group and commits nothing, read by one thread until told to stop.

#include "kafka/client_config.h"
#include "kafka/topic_reader.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace RdKafka {
class KafkaConsumer;
}

namespace orderflow::topic_browser {

class TopicTail {
public:
    /// Assigns every partition of `starts` at its offset. Errors: ConfigError when the client
    /// cannot be created.
    TopicTail(const kafka::ClientSettings& settings,
              const std::string& topic,
              const std::map<std::int32_t, std::int64_t>& starts);
    ~TopicTail();
    TopicTail(const TopicTail&) = delete;
    TopicTail& operator=(const TopicTail&) = delete;

    /// Waits up to `wait` for the next record; nullopt when none came (or a transient error,
    /// which librdkafka retries by itself).
    std::optional<kafka::Record> next(std::chrono::milliseconds wait);

private:
    struct Events;
    std::unique_ptr<Events> events_;  // outlives the consumer that calls it
    std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

}  // namespace orderflow::topic_browser
