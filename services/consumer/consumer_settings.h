#pragma once

#include "common/settings.h"
#include "pipeline/pipeline_options.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace orderflow::consumer {

/// Raw text of every `orderflow consume` setting, as CLI11 reads it (flag or environment).
struct ConsumerOptions {
    pipeline::PipelineOptions pipeline;
    pipeline::StatusOptions status;
    std::string redis_url = "redis://127.0.0.1:6379/0";
    std::string auto_commit = "true";
    std::string group;  // empty: orders-auto or orders-batch
    std::string batch_size = "10";
    std::string batch_timeout = "2s";
    std::string redis_timeout = "2s";
    std::string retry_max_backoff = "5s";
    std::string shutdown_timeout = "15s";
};

enum class CommitMode {
    kAuto,   ///< enable.auto.commit, offsets stored after the Redis write
    kBatch,  ///< batches of BATCH_SIZE, commitSync after the Redis write
};

struct ConsumerSettings {
    pipeline::PipelineSettings pipeline;
    pipeline::StatusOptions status;
    common::RedisEndpoint redis;
    CommitMode mode = CommitMode::kAuto;
    std::string group;
    std::size_t batch_size = 10;
    std::chrono::milliseconds batch_timeout{2000};
    std::chrono::milliseconds redis_timeout{2000};
    std::chrono::milliseconds retry_max_backoff{5000};
    std::chrono::milliseconds shutdown_timeout{15000};
};

/// Auto-commit mode writes whatever is already fetched, up to this many, in one round trip.
inline constexpr std::size_t kAutoModeMaxBatch = 500;

void add_consumer_options(CLI::App& command, ConsumerOptions& options);

/**
 * Errors: ConfigError naming REDIS_URL, AUTO_COMMIT, CONSUMER_GROUP, BATCH_SIZE,
 * BATCH_TIMEOUT, REDIS_TIMEOUT, REDIS_RETRY_MAX_BACKOFF, SHUTDOWN_TIMEOUT, METRICS_PORT or a
 * pipeline setting.
 */
ConsumerSettings to_settings(const ConsumerOptions& options);

}  // namespace orderflow::consumer
