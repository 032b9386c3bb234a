#pragma once

#include "dead_letters/dead_letter_record.h"
#include "kafka/client_config.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace orderflow::dead_letters {

/**
 * Every record of the dead-letter topic (at most `limit`), read by a consumer that joins no
 * group and commits nothing (kafka::read_topic), with its headers read.
 * Errors: ConfigError naming DLQ_TOPIC when the topic does not exist; KafkaError when it
 * cannot be read to its end within `timeout`.
 */
std::vector<DeadLetterRecord> read_dead_letters(const kafka::ClientSettings& settings,
                                                const std::string& dlq_topic,
                                                std::size_t limit,
                                                std::chrono::milliseconds timeout);

}  // namespace orderflow::dead_letters
