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

std::chrono::milliseconds optional_duration(const std::string& setting, const std::string& text) {
    return text.empty() ? std::chrono::milliseconds(0) : common::parse_duration(setting, text);
}

Failpoint parse_failpoint(const std::string& text) {
    constexpr std::string_view kCrash = "crash-before-commit:";
    constexpr std::string_view kDecode = "decode-throws:";
    const std::string_view view(text);
    Failpoint failpoint;
    if (text.empty()) {
        return failpoint;
    }
    if (view.starts_with(kCrash)) {
        failpoint.crash_before_commit =
            common::parse_int("ORDERFLOW_FAILPOINT", view.substr(kCrash.size()), 1, INT64_MAX);
    } else if (view.starts_with(kDecode) && view.size() > kDecode.size()) {
        failpoint.decode_throws_key = std::string(view.substr(kDecode.size()));
    } else if (view == "dlq-fatal") {
        failpoint.dlq_fatal = true;
    } else if (view == "revoke-throws") {
        failpoint.revoke_throws = true;
    } else {
        throw common::ConfigError("ORDERFLOW_FAILPOINT",
                                  "unknown failpoint '" + text +
                                      "' (crash-before-commit:N, decode-throws:KEY, dlq-fatal, "
                                      "revoke-throws)");
    }
    return failpoint;
}

}  // namespace

void add_consumer_options(CLI::App& command, ConsumerOptions& options) {
    pipeline::add_pipeline_options(command, options.pipeline);
    pipeline::add_status_options(command, options.status);
    pipeline::add_env_option(
        command, "--redis-url", options.redis_url, "REDIS_URL",
        "redis://[user:password@]host[:port][/db], or a Redis Cluster's seed nodes "
        "redis-cluster://[user:password@]host:port[,host:port...]; user and password URL-encoded");
    pipeline::add_env_option(
        command, "--auto-commit", options.auto_commit, "AUTO_COMMIT",
        "true: auto-commit after the Redis write (group orders-auto); false: batches of exactly "
        "BATCH_SIZE, each committed after its Redis write (group orders-batch)");
    pipeline::add_env_option(
        command, "--group", options.group, "CONSUMER_GROUP",
        "consumer group and Redis key namespace (default orders-auto / orders-batch)");
    pipeline::add_env_option(
        command, "--batch-size", options.batch_size, "BATCH_SIZE",
        "AUTO_COMMIT=false: a batch is this many messages, committed once it is in Redis (the "
        "whole batches already fetched share one round trip, up to 500 messages); a partial "
        "batch waits (written only on revocation and shutdown)");
    pipeline::add_env_option(
        command, "--batch-timeout", options.batch_timeout, "BATCH_TIMEOUT",
        "opt-in (AUTO_COMMIT=false): also write a partial batch this long after its first "
        "message; 0 = never");
    pipeline::add_env_option(
        command, "--commit-timeout", options.commit_timeout, "COMMIT_TIMEOUT",
        "longest wait for a commit's answer before it is sent again (AUTO_COMMIT=false; an "
        "uncommitted batch older than this makes /health report the commit as stuck) and for "
        "any Kafka request (socket.timeout.ms)");
    pipeline::add_env_option(
        command, "--commits-in-flight", options.commits_in_flight, "COMMITS_IN_FLIGHT",
        "AUTO_COMMIT=false: batch commits awaiting an answer at most while the next batches "
        "are written (revocation and shutdown wait for all of them)");
    pipeline::add_env_option(command, "--redis-timeout", options.redis_timeout, "REDIS_TIMEOUT",
                             "connect and command timeout for Redis");
    pipeline::add_env_option(
        command, "--retry-max-backoff", options.retry_max_backoff, "REDIS_RETRY_MAX_BACKOFF",
        "cap of the backoff while Redis, the registry or the DLQ is unavailable");
    pipeline::add_env_option(
        command, "--shutdown-timeout", options.shutdown_timeout, "SHUTDOWN_TIMEOUT",
        "how long SIGTERM may spend writing what is held before leaving without it");
    command.add_option("--failpoint", options.failpoint, "fault injection for tests")
        ->envname("ORDERFLOW_FAILPOINT")
        ->group("");  // not in --help
}

ConsumerSettings to_settings(const ConsumerOptions& options) {
    ConsumerSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-consumer");
    settings.redis = redis::parse_redis_target("REDIS_URL", options.redis_url);
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
    settings.batch_timeout = optional_duration("BATCH_TIMEOUT", options.batch_timeout);
    settings.commit_timeout = positive_duration("COMMIT_TIMEOUT", options.commit_timeout);
    settings.commits_in_flight = static_cast<std::size_t>(
        common::parse_int("COMMITS_IN_FLIGHT", options.commits_in_flight, 1, 100));
    settings.redis_timeout = positive_duration("REDIS_TIMEOUT", options.redis_timeout);
    settings.retry_max_backoff =
        positive_duration("REDIS_RETRY_MAX_BACKOFF", options.retry_max_backoff);
    settings.shutdown_timeout = positive_duration("SHUTDOWN_TIMEOUT", options.shutdown_timeout);
    settings.failpoint = parse_failpoint(options.failpoint);
    common::parse_int("METRICS_PORT", options.status.port, 0, 65535);
    settings.status = options.status;
    return settings;
}

}  // namespace orderflow::consumer
