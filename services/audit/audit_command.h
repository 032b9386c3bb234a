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
    std::string live = "false";
};

struct AuditSettings {
    pipeline::PipelineSettings pipeline;
    common::RedisEndpoint redis;
    std::vector<std::string> groups;
    std::chrono::milliseconds timeout{60000};
    bool live = false;  ///< in-flight orders do not fail the audit
};

/// Errors: ConfigError naming REDIS_URL, AUDIT_GROUPS, AUDIT_TIMEOUT, AUDIT_LIVE or a
/// pipeline setting.
AuditSettings to_settings(const AuditOptions& options);

/**
 * Reads each group's committed offsets and stats, takes the log end per partition as the cut,
 * reads the orders topic below the cut (decoding with the writer schema) and the dead-letter
 * topic, then compares each group's Redis state with them (GroupAudit). Prints a report to
 * `out`; returns 0 when every group matches, 1 on any difference, 3 when nothing differs but
 * orders are in flight and settings.live is false.
 * Errors: ConfigError (Redis or registry unreachable), KafkaError, std::runtime_error.
 */
int run_audit(const AuditSettings& settings, std::ostream& out);

/// Registers `orderflow audit` in the top-level parser.
void register_audit_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::audit
