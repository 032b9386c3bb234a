#pragma once

#include "common/command_context.h"
#include "consumer/consumer_settings.h"

#include <CLI/CLI.hpp>

namespace orderflow::consumer {

/**
 * Checks Redis, Kafka (creating the topics if missing) and the registry, then consumes until
 * SIGINT/SIGTERM. Returns the exit code. Errors: ConfigError naming REDIS_URL,
 * SCHEMA_REGISTRY_URL, ...; KafkaError for an unreachable cluster.
 */
int run_consumer(const ConsumerSettings& settings);

/// Registers `orderflow consume` in the top-level parser.
void register_consumer_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::consumer
