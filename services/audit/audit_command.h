#pragma once

// `orderflow audit`: settings from flags and the environment, then libs/audit's run, printed.

#include "audit/audit_run.h"
#include "common/command_context.h"
#include "pipeline/pipeline_options.h"

#include <CLI/CLI.hpp>

#include <string>

namespace orderflow::audit {

struct AuditOptions {
    pipeline::PipelineOptions pipeline;
    std::string redis_url = "redis://127.0.0.1:6379/0";
    std::string groups = "orders-auto,orders-batch";
    std::string timeout = "60s";
    std::string live = "false";
    bool json = false;  ///< --json: the result as one JSON object instead of the report lines
};

/// Errors: ConfigError naming REDIS_URL, AUDIT_GROUPS, AUDIT_TIMEOUT, AUDIT_LIVE or a
/// pipeline setting.
AuditSettings to_settings(const AuditOptions& options);

/// Registers `orderflow audit` in the top-level parser. It prints the report and exits 0 when
/// every group matches, 1 on any difference, 3 when nothing differs but orders are in flight
/// and --live is false.
void register_audit_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::audit
