#pragma once

// The audit's reads of Kafka, through libs/kafka: where each group stood, the cut, and the
// orders and dead-letter topics below it streamed into a LogIndex (assigned, never joining a
// group, never committing).

#include "audit/audit_compare.h"
#include "kafka/client_config.h"
#include "kafka/group_admin.h"
#include "serde/order_decoder.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::audit {

using Clock = std::chrono::steady_clock;

/// Partition ids of `topic`, std::nullopt when it does not exist. Errors: KafkaError.
std::optional<std::vector<std::int32_t>> topic_partitions(const kafka::ClientSettings& settings,
                                                          const std::string& topic);

/// The committed offset of `group` for each of `partitions` (0 where nothing is committed).
/// Errors: KafkaError.
std::map<std::int32_t, std::int64_t> committed_offsets(kafka::GroupAdmin& admin,
                                                       const std::string& group,
                                                       const std::string& topic,
                                                       const std::vector<std::int32_t>& partitions);

/// The log end (high watermark) per partition. Errors: KafkaError.
std::map<std::int32_t, std::int64_t> log_ends(kafka::GroupAdmin& admin,
                                              const std::string& topic,
                                              const std::vector<std::int32_t>& partitions);

/// Streams `topic` below `log.cut()` into `log`: each message decoded with its writer schema
/// (an order, or an invalid message for the DLQ), redriven copies noted.
/// Errors: std::runtime_error naming AUDIT_TIMEOUT when the cut is not reached by `deadline`.
void read_orders(const kafka::ClientSettings& settings,
                 const std::string& topic,
                 serde::MessageDecoder& decoder,
                 Clock::time_point deadline,
                 LogIndex& log);

/// Streams the dead-letter topic to its current end into `log` (nothing when it does not
/// exist yet). Errors: as read_orders().
void read_dead_letters(const kafka::ClientSettings& settings,
                       const std::string& dlq_topic,
                       Clock::time_point deadline,
                       LogIndex& log);

}  // namespace orderflow::audit
