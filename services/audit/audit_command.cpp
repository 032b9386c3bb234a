#include "audit/audit_command.h"

#include "audit/audit_result.h"
#include "common/config_error.h"
#include "common/logging.h"

#include <iostream>
#include <memory>
#include <sstream>

namespace orderflow::audit {
namespace {

std::vector<std::string> split_groups(const std::string& text) {
    std::vector<std::string> groups;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) {
            groups.push_back(item);
        }
    }
    if (groups.empty()) {
        throw common::ConfigError("AUDIT_GROUPS", "name at least one consumer group");
    }
    return groups;
}

}  // namespace

AuditSettings to_settings(const AuditOptions& options) {
    AuditSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-audit");
    settings.redis = redis::parse_redis_target("REDIS_URL", options.redis_url);
    settings.groups = split_groups(options.groups);
    settings.timeout = common::parse_duration("AUDIT_TIMEOUT", options.timeout);
    settings.live = common::parse_bool("AUDIT_LIVE", options.live);
    return settings;
}

void register_audit_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<AuditOptions>();
    auto* command = app.add_subcommand(
        "audit",
        "Compare the orders and dead-letter topics with Redis per consumer group. Exit 0 clean, 1 "
        "on a difference, 3 when clean but orders are still in flight (without --live true)");
    pipeline::add_pipeline_options(*command, options->pipeline);
    pipeline::add_env_option(
        *command, "--redis-url", options->redis_url, "REDIS_URL",
        "redis://[user:password@]host[:port][/db], user and password URL-encoded");
    pipeline::add_env_option(*command, "--groups", options->groups, "AUDIT_GROUPS",
                             "consumer groups to check, comma-separated");
    pipeline::add_env_option(*command, "--timeout", options->timeout, "AUDIT_TIMEOUT",
                             "how long reading the topics may take");
    pipeline::add_env_option(*command, "--live", options->live, "AUDIT_LIVE",
                             "true: orders in flight (not yet consumed or committed, or stored "
                             "past the cut) are reported but do not fail the audit");
    command->add_flag("--json", options->json,
                      "print the result as one JSON object (what the console's /api/audit "
                      "answers; docs/console-api.md) instead of the report; same exit codes");
    command->final_callback([options, &context] {
        common::init_logging("audit", context.log_level);
        const auto result = run_audit(to_settings(*options));
        if (options->json) {
            std::cout << to_json(result).dump() << "\n";
        } else {
            for (const auto& line : result.lines()) {
                std::cout << line << "\n";
            }
        }
        std::cout.flush();
        if (const int code = result.exit_code(); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::audit
