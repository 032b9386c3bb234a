#include "dead_letters/redrive.h"

#include "kafka/acked_producer.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace orderflow::dead_letters {

std::vector<Redriven> redrive(const kafka::ClientSettings& settings,
                              const std::string& dlq_topic,
                              const std::string& orders_topic,
                              const std::vector<DeadLetterRecord>& letters,
                              std::chrono::milliseconds timeout) {
    std::vector<kafka::OutgoingRecord> records;
    for (const auto& letter : letters) {
        if (!letter.source || letter.source->topic != orders_topic) {
            throw std::invalid_argument("refusing to redrive " + dlq_topic + "@" +
                                        std::to_string(letter.record.offset) +
                                        ": its source is not " + orders_topic);
        }
        records.push_back({orders_topic,
                           letter.record.key,
                           letter.record.value,
                           {{kHeaderRedriveTopic, dlq_topic},
                            {kHeaderRedrivePartition, std::to_string(letter.record.partition)},
                            {kHeaderRedriveOffset, std::to_string(letter.record.offset)}}});
    }
    const auto deliveries =
        kafka::produce_acknowledged(settings, records, timeout, [&](std::size_t i) {
            return "the redrive of " + dlq_topic + "@" + std::to_string(letters[i].record.offset);
        });
    std::vector<Redriven> sent;
    for (std::size_t i = 0; i < letters.size(); ++i) {
        const auto& letter = letters[i];
        sent.push_back(
            {letter.record.offset, orders_topic, deliveries[i].partition, deliveries[i].offset});
        spdlog::info("redrove {}@{} to {}[{}]@{}", dlq_topic, letter.record.offset, orders_topic,
                     deliveries[i].partition, deliveries[i].offset);
    }
    return sent;
}

}  // namespace orderflow::dead_letters
