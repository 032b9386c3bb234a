#include "dlq/dlq_settings.h"

#include "common/config_error.h"
#include "common/settings.h"

namespace orderflow::dlq {

void add_common_options(CLI::App& command, DlqOptions& options) {
    pipeline::add_pipeline_options(command, options.pipeline);
    pipeline::add_env_option(command, "--timeout", options.timeout, "DLQ_TIMEOUT",
                             "how long reading the dead-letter topic or redriving may take");
}

DlqSettings to_settings(const DlqOptions& options, bool redrive) {
    DlqSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-dlq");
    settings.timeout = common::parse_duration("DLQ_TIMEOUT", options.timeout);
    settings.limit =
        static_cast<std::size_t>(common::parse_int("--limit", options.limit, 1, 1'000'000));
    settings.json = options.json;
    settings.dry_run = options.dry_run;
    settings.selection = {options.all, options.offsets};
    if (redrive && options.all == !options.offsets.empty()) {
        throw common::ConfigError(
            "--offset/--all",
            "give the dead-letter offsets to redrive (--offset N, repeatable) "
            "or --all, not both");
    }
    for (const auto offset : options.offsets) {
        if (offset < 0) {
            throw common::ConfigError("--offset", std::to_string(offset) + " is negative");
        }
    }
    return settings;
}

}  // namespace orderflow::dlq
