#pragma once

#include "common/settings.h"
#include "pipeline/pipeline_options.h"
#include "redis/redis_url.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
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
    std::string batch_timeout = "0";  // off: a batch is BATCH_SIZE messages
    std::string commit_timeout = "10s";
    std::string commits_in_flight = "4";
    std::string redis_timeout = "2s";
    std::string retry_max_backoff = "5s";
    std::string shutdown_timeout = "15s";
    std::string failpoint;  // ORDERFLOW_FAILPOINT, tests only
};

enum class CommitMode {
    kAuto,   ///< enable.auto.commit, offsets stored after the Redis write
    kBatch,  ///< batches of BATCH_SIZE, committed by the consumer after the Redis write
};

/**
 * Fault injection for the robustness tests (ORDERFLOW_FAILPOINT, empty in production):
 * - `crash-before-commit:N`: SIGKILL once the N-th batch is in Redis, before its offsets are
 *   stored or committed;
 * - `decode-throws:KEY`: decoding a message with that key throws an unexpected exception;
 * - `dlq-fatal`: the dead-letter producer gets a fatal error before its first send;
 * - `revoke-throws`: handling a revocation throws an unexpected exception (once).
 */
struct Failpoint {
    std::int64_t crash_before_commit = 0;  ///< 0: off
    std::string decode_throws_key;         ///< empty: off
    bool dlq_fatal = false;
    bool revoke_throws = false;
};

struct ConsumerSettings {
    pipeline::PipelineSettings pipeline;
    pipeline::StatusOptions status;
    redis::RedisTarget redis;  ///< one Redis or a cluster's seeds
    CommitMode mode = CommitMode::kAuto;
    std::string group;
    std::size_t batch_size = 10;
    /// Opt-in: also write a partial batch this long after its first message. 0: never (a
    /// partial batch is written only on revocation and shutdown).
    std::chrono::milliseconds batch_timeout{0};
    /// Longest wait for one commit's answer; an older written-but-uncommitted batch makes
    /// /health report the commit as stuck.
    std::chrono::milliseconds commit_timeout{10000};
    /// Batch commits sent and not yet answered, at most (the next batch is written meanwhile).
    std::size_t commits_in_flight = 4;
    std::chrono::milliseconds redis_timeout{2000};
    std::chrono::milliseconds retry_max_backoff{5000};
    std::chrono::milliseconds shutdown_timeout{15000};
    Failpoint failpoint;
};

/// Auto-commit mode writes whatever is already fetched, up to this many, in one round trip.
inline constexpr std::size_t kAutoModeMaxBatch = 500;

void add_consumer_options(CLI::App& command, ConsumerOptions& options);

/**
 * Errors: ConfigError naming REDIS_URL, AUTO_COMMIT, CONSUMER_GROUP, BATCH_SIZE,
 * BATCH_TIMEOUT, COMMIT_TIMEOUT, COMMITS_IN_FLIGHT, REDIS_TIMEOUT, REDIS_RETRY_MAX_BACKOFF,
 * SHUTDOWN_TIMEOUT, ORDERFLOW_FAILPOINT, METRICS_PORT or a pipeline setting.
 */
ConsumerSettings to_settings(const ConsumerOptions& options);

}  // namespace orderflow::consumer
