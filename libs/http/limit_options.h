#pragma once

// The HTTP limits as command-line flags with environment names, shared by every service that
// serves HTTP on this library (the registry, the console): `--http-head-timeout` /
// `<PREFIX>HEAD_TIMEOUT` and so on, each with its default in --help.

#include "http/server.h"

#include <CLI/CLI.hpp>

#include <string>

namespace orderflow::http {

/// Raw values as CLI11 reads them.
struct LimitArgs {
    std::string head_timeout = "10s";
    std::string body_timeout = "60s";
    std::string idle_timeout = "30s";
    std::string max_header_bytes = "16384";
    std::string max_connections = "1024";
    std::string max_buffered_bytes = "67108864";
    std::string handler_budget = "30s";
    std::string shutdown_timeout = "5s";
    int io_threads = 2;
};

/// Adds the flags; env names are env_prefix + "HEAD_TIMEOUT", ... (e.g. "REGISTRY_HTTP_").
void add_limit_options(CLI::App& command, LimitArgs& args, const std::string& env_prefix);

/// Validated limits (max_body_bytes keeps its default: services name that one themselves).
/// Errors: common::ConfigError naming the setting.
Limits to_limits(const LimitArgs& args, const std::string& env_prefix);
/// Validated io_threads. Errors: common::ConfigError naming <PREFIX>IO_THREADS.
std::size_t to_io_threads(const LimitArgs& args, const std::string& env_prefix);

}  // namespace orderflow::http
