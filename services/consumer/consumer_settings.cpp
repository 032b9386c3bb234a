#include "consumer/consumer_settings.h"

#include "common/config_error.h"

namespace orderflow::consumer {
namespace {

std::chrono::milliseconds positive_duration(const std::string& setting, const std::string& text) {
    const auto value = common::parse_duration(setting, text);
    if (value.count() <= 0) {
        throw common::ConfigError(setting, "must be above zero, got '" + text + "'");
    }
    return value;
}

}  // namespace

void add_consumer_options(CLI::App& command, ConsumerOptions& options) {
    pipeline::add_pipeline_options(command, options.pipeline);
    pipeline::add_status_options(command, options.status);
    pipeline::add_env_option(command, "--redis-url", options.redis_url, "REDIS_URL",
                             "redis://host[:port][/db]");
    pipeline::add_env_option(
        command, "--auto-commit", options.auto_commit, "AUTO_COMMIT",
        "true: auto-commit after the Redis write (group orders-auto); false: batches with "
        "synchronous commits (group orders-batch)");
    pipeline::add_env_option(
        command, "--group", options.group, "CONSUMER_GROUP",
        "consumer group and Redis key namespace (default orders-auto / orders-batch)");
    pipeline::add_env_option(command, "--batch-size", options.batch_size, "BATCH_SIZE",
                             "messages per Redis round trip and commit (AUTO_COMMIT=false)");
    pipeline::add_env_option(command, "--batch-timeout", options.batch_timeout, "BATCH_TIMEOUT",
                             "flush a partial batch after this long (AUTO_COMMIT=false)");
    pipeline::add_env_option(command, "--redis-timeout", options.redis_timeout, "REDIS_TIMEOUT",
                             "connect and command timeout for Redis");
    pipeline::add_env_option(
        command, "--retry-max-backoff", options.retry_max_backoff, "REDIS_RETRY_MAX_BACKOFF",
        "cap of the backoff while Redis, the registry or the DLQ is unavailable");
    pipeline::add_env_option(
        command, "--shutdown-timeout", options.shutdown_timeout, "SHUTDOWN_TIMEOUT",
        "how long SIGTERM may spend writing what is held before leaving without it");
}

ConsumerSettings to_settings(const ConsumerOptions& options) {
    ConsumerSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-consumer");
    settings.redis = common::parse_redis_url("REDIS_URL", options.redis_url);
    settings.mode = common::parse_bool("AUTO_COMMIT", options.auto_commit) ? CommitMode::kAuto
                                                                           : CommitMode::kBatch;
    settings.group = options.group.empty()
                         ? (settings.mode == CommitMode::kAuto ? "orders-auto" : "orders-batch")
                         : options.group;
    for (const char c : settings.group) {
        if (c == ' ' || c == ':' || c == '{' || c == '}' || c < 0x21) {
            throw common::ConfigError("CONSUMER_GROUP",
                                      "'" + settings.group +
                                          "' may not contain spaces, ':' or braces (it is part "
                                          "of the Redis keys)");
        }
    }
    settings.batch_size =
        static_cast<std::size_t>(common::parse_int("BATCH_SIZE", options.batch_size, 1, 10'000));
    settings.batch_timeout = positive_duration("BATCH_TIMEOUT", options.batch_timeout);
    settings.redis_timeout = positive_duration("REDIS_TIMEOUT", options.redis_timeout);
    settings.retry_max_backoff =
        positive_duration("REDIS_RETRY_MAX_BACKOFF", options.retry_max_backoff);
    settings.shutdown_timeout = positive_duration("SHUTDOWN_TIMEOUT", options.shutdown_timeout);
    common::parse_int("METRICS_PORT", options.status.port, 0, 65535);
    settings.status = options.status;
    return settings;
}

}  // namespace orderflow::consumer
