#pragma once

// Producing a few records and waiting for each acknowledgement (acks=all, idempotence), for
// tools: the dead-letter redrive and the console's test order.

#include "kafka/client_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

struct OutgoingRecord {
    std::string topic;
    std::optional<std::string> key;
    std::string value;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// Where an acknowledged record landed.
struct Delivery {
    std::int32_t partition = -1;
    std::int64_t offset = -1;
};

/**
 * Produces every record (bytes unchanged, partitioned by key) and waits up to `timeout` for
 * all acknowledgements; one Delivery per record, in order. Errors: ConfigError when the
 * producer cannot be made; KafkaError naming `describe(i)` of the first record that was
 * refused or not acknowledged in time (those before it may have been written).
 */
std::vector<Delivery> produce_acknowledged(const ClientSettings& settings,
                                           const std::vector<OutgoingRecord>& records,
                                           std::chrono::milliseconds timeout,
                                           const std::function<std::string(std::size_t)>& describe);

}  // namespace orderflow::kafka
