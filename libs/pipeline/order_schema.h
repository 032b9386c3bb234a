#pragma once

// The order schema under the topic's subject: what every writer of orders (the producer, the
// gateway) does before its first send.

#include "pipeline/pipeline_options.h"

#include <cstdint>
#include <string>

namespace orderflow::pipeline {

/**
 * Registers `schema_json` under pipeline.subject() (an identical schema gets its existing id)
 * and returns the id. Errors: ConfigError naming SCHEMA_REGISTRY_URL when the registry cannot be
 * reached (or SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO when it answers 401); std::runtime_error
 * when it refuses the schema.
 */
std::int32_t register_order_schema(const PipelineSettings& pipeline,
                                   const std::string& schema_json);

}  // namespace orderflow::pipeline
