#pragma once

#include "common/command_context.h"
#include "common/settings.h"
#include "pipeline/pipeline_options.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace orderflow::audit {

struct AuditOptions {
    pipeline::PipelineOptions pipeline;
    std::string redis_url = "redis://127.0.0.1:6379/0";
    std::string groups = "orders-auto,orders-batch";
    std::string timeout = "60s";
};

struct AuditSettings {
    pipeline::PipelineSettings pipeline;
    common::RedisEndpoint redis;
    std::vector<std::string> groups;
    std::chrono::milliseconds timeout{60000};
};

/// Errors: ConfigError naming REDIS_URL, AUDIT_GROUPS, AUDIT_TIMEOUT or a pipeline setting.
AuditSettings to_settings(const AuditOptions& options);

/**
 * Reads the orders topic from the beginning to its end, decodes every message with its writer
 * schema, and compares it with each group's Redis keys and committed offsets. Prints a report
 * to `out`; returns 0 when every group matches, 1 on any difference.
 * Errors: ConfigError (Redis or registry unreachable), KafkaError, std::runtime_error.
 */
int run_audit(const AuditSettings& settings, std::ostream& out);

/// Registers `orderflow audit` in the top-level parser.
void register_audit_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::audit
