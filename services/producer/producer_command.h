#pragma once

#include "common/command_context.h"
#include "producer/producer_settings.h"

#include <CLI/CLI.hpp>

namespace orderflow::producer {

/**
 * Creates the topics if missing (refusing an `orders` topic that breaks the guarantees),
 * registers the order schema, produces, and returns the exit code: 0 when every order was
 * delivered, 3 when some went to the failed-orders file, 1 after a fatal producer error.
 * Errors: ConfigError (unreachable registry, bad settings), KafkaError (unreachable cluster),
 * std::runtime_error (the registry refused the schema, the topic breaks the guarantees).
 */
int run_producer(const ProducerSettings& settings);

/// Registers `orderflow produce` in the top-level parser.
void register_producer_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::producer
