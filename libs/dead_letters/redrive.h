#pragma once

#include "dead_letters/dead_letter_record.h"
#include "kafka/client_config.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::dead_letters {

/// Where a redriven message landed.
struct Redriven {
    std::int64_t dlq_offset = 0;
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};

/**
 * Produces each letter's original key and value (bytes unchanged) to `orders_topic` with
 * acks=all and idempotence, adding the dlq.redrive.* headers, and waits for every
 * acknowledgement. Only to `orders_topic`: the letters come from plan_redrive with the same
 * topic, and a letter whose source is another topic stops the call before anything is sent.
 * Errors: std::invalid_argument for such a letter; KafkaError naming the first record that
 * was not acknowledged within `timeout` (those before it may have been sent: redriving again
 * is safe, the consumers store an order once).
 */
std::vector<Redriven> redrive(const kafka::ClientSettings& settings,
                              const std::string& dlq_topic,
                              const std::string& orders_topic,
                              const std::vector<DeadLetterRecord>& letters,
                              std::chrono::milliseconds timeout);

}  // namespace orderflow::dead_letters
