#pragma once

#include "common/command_context.h"
#include "dlq/dlq_settings.h"

#include <CLI/CLI.hpp>

#include <iosfwd>

namespace orderflow::dlq {

/// Prints the dead-letter records (offset, time, group, error, source, reason) or, with
/// --json, a JSON array. Returns the exit code. Errors: ConfigError, KafkaError.
int run_list(const DlqSettings& settings, std::ostream& out);

/// Sends the selected records back to their source topics (or, with --dry-run, prints what it
/// would send) and prints one line per record. Returns the exit code.
/// Errors: ConfigError for an offset the topic does not hold, KafkaError.
int run_redrive(const DlqSettings& settings, std::ostream& out);

/// Registers `orderflow dlq list|redrive` in the top-level parser.
void register_dlq_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::dlq
