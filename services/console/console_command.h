#pragma once

#include "common/command_context.h"
#include "console/console_settings.h"

#include <CLI/CLI.hpp>

namespace orderflow::console {

/// Serves the console until SIGINT/SIGTERM; returns the exit code. Errors: ConfigError (a bad
/// setting, the listen address taken).
int run_console(const ConsoleSettings& settings);

/// Registers `orderflow console` in the top-level parser.
void register_console_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::console
