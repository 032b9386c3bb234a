#pragma once

#include "dead_letters/redrive_plan.h"
#include "pipeline/pipeline_options.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::dlq {

struct DlqOptions {
    pipeline::PipelineOptions pipeline;
    std::string timeout = "30s";
    std::string limit = "1000";
    bool json = false;
    bool all = false;
    std::vector<std::int64_t> offsets;
    bool dry_run = false;
};

struct DlqSettings {
    pipeline::PipelineSettings pipeline;
    std::chrono::milliseconds timeout{30000};
    std::size_t limit = 1000;
    bool json = false;
    dead_letters::Selection selection;
    bool dry_run = false;
};

/// Adds the options `list` and `redrive` share (Kafka, topics, --timeout DLQ_TIMEOUT).
void add_common_options(CLI::App& command, DlqOptions& options);

/// Errors: ConfigError naming DLQ_TIMEOUT, --limit, --offset/--all or a pipeline setting.
DlqSettings to_settings(const DlqOptions& options, bool redrive);

}  // namespace orderflow::dlq
