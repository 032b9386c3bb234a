#pragma once

// The audit's reads of Kafka: partitions, committed offsets, log ends and the messages below
// them (assigned, never joining a group, never committing).

#include "pipeline/pipeline_options.h"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::audit {

/// Partition ids of `topic`, std::nullopt when it does not exist. Errors: KafkaError.
std::optional<std::vector<std::int32_t>> topic_partitions(
    const pipeline::PipelineSettings& settings, const std::string& topic);

/// The committed offset of `group` per partition (0 where nothing is committed).
/// Errors: std::runtime_error.
std::map<std::int32_t, std::int64_t> committed_offsets(const pipeline::PipelineSettings& settings,
                                                       const std::string& group,
                                                       const std::string& topic,
                                                       const std::vector<std::int32_t>& partitions);

/// The log end (high watermark) per partition. Errors: std::runtime_error.
std::map<std::int32_t, std::int64_t> log_ends(const pipeline::PipelineSettings& settings,
                                              const std::string& topic,
                                              const std::vector<std::int32_t>& partitions);

/// Calls `visit` for every message of `topic` from the log start up to `ends` (exclusive),
/// partitions interleaved, each in offset order. Errors: std::runtime_error when the ends are
/// not reached by `deadline`.
void read_below(const pipeline::PipelineSettings& settings,
                const std::string& topic,
                const std::map<std::int32_t, std::int64_t>& ends,
                std::chrono::steady_clock::time_point deadline,
                const std::function<void(RdKafka::Message&)>& visit);

/// A header's value as text, std::nullopt when absent.
std::optional<std::string> header(RdKafka::Message& message, const std::string& name);

}  // namespace orderflow::audit
