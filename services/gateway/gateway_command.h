#pragma once

#include "common/command_context.h"
#include "gateway/gateway_settings.h"

#include <CLI/CLI.hpp>

namespace orderflow::gateway {

/// Serves the order API until SIGINT/SIGTERM. Returns the exit code.
int run_gateway(const GatewaySettings& settings);

/// Adds the `gateway` subcommand.
void register_gateway_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::gateway
