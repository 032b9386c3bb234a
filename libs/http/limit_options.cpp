#include "http/limit_options.h"

#include "common/config_error.h"
#include "common/settings.h"

namespace orderflow::http {
namespace {

milliseconds positive_duration(const std::string& setting, const std::string& text) {
    const auto value = common::parse_duration(setting, text);
    if (value.count() <= 0) {
        throw common::ConfigError(setting, "must be longer than 0");
    }
    return value;
}

}  // namespace

void add_limit_options(CLI::App& command, LimitArgs& args, const std::string& env_prefix) {
    const auto add = [&](const std::string& flag, auto& value, const std::string& env,
                         const std::string& help) {
        command.add_option("--http-" + flag, value, help)
            ->envname(env_prefix + env)
            ->capture_default_str();
    };
    add("head-timeout", args.head_timeout, "HEAD_TIMEOUT",
        "a request line and headers must arrive within this, else the connection is closed");
    add("body-timeout", args.body_timeout, "BODY_TIMEOUT",
        "a request body must arrive within this once its headers are in, else closed");
    add("idle-timeout", args.idle_timeout, "IDLE_TIMEOUT",
        "a keep-alive connection without a new request for this long is closed (event streams "
        "are exempt)");
    add("max-header-bytes", args.max_header_bytes, "MAX_HEADER_BYTES",
        "largest request line + headers; more: 431");
    add("max-connections", args.max_connections, "MAX_CONNECTIONS",
        "open connections; one more is answered 503 at once and closed");
    add("max-buffered-bytes", args.max_buffered_bytes, "MAX_BUFFERED_BYTES",
        "request bodies held at once across all connections; more: 503 (Retry-After) before "
        "the body is read");
    add("handler-budget", args.handler_budget, "HANDLER_BUDGET",
        "a request that reads or writes Kafka (or another server) answers within this, else 503");
    add("shutdown-timeout", args.shutdown_timeout, "SHUTDOWN_TIMEOUT",
        "on SIGTERM, requests in flight may finish within this; idle and streaming connections "
        "close at once");
    add("io-threads", args.io_threads, "IO_THREADS", "event-loop threads serving connections");
}

Limits to_limits(const LimitArgs& args, const std::string& env_prefix) {
    Limits limits;
    limits.head_timeout = positive_duration(env_prefix + "HEAD_TIMEOUT", args.head_timeout);
    limits.body_timeout = positive_duration(env_prefix + "BODY_TIMEOUT", args.body_timeout);
    limits.idle_timeout = positive_duration(env_prefix + "IDLE_TIMEOUT", args.idle_timeout);
    limits.max_header_bytes = static_cast<std::size_t>(
        common::parse_int(env_prefix + "MAX_HEADER_BYTES", args.max_header_bytes, 1024, 1 << 20));
    limits.max_connections = static_cast<std::size_t>(
        common::parse_int(env_prefix + "MAX_CONNECTIONS", args.max_connections, 1, 1000000));
    limits.max_buffered_bytes = static_cast<std::size_t>(common::parse_int(
        env_prefix + "MAX_BUFFERED_BYTES", args.max_buffered_bytes, 65536, 1LL << 40));
    limits.handler_budget = positive_duration(env_prefix + "HANDLER_BUDGET", args.handler_budget);
    limits.shutdown_timeout =
        positive_duration(env_prefix + "SHUTDOWN_TIMEOUT", args.shutdown_timeout);
    return limits;
}

std::size_t to_io_threads(const LimitArgs& args, const std::string& env_prefix) {
    return static_cast<std::size_t>(
        common::parse_int(env_prefix + "IO_THREADS", std::to_string(args.io_threads), 1, 64));
}

}  // namespace orderflow::http
