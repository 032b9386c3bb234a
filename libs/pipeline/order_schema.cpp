#include "pipeline/order_schema.h"

#include "common/config_error.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace orderflow::pipeline {

std::int32_t register_order_schema(const PipelineSettings& pipeline,
                                   const std::string& schema_json) {
    const auto subject = pipeline.subject();
    auto registry = connect_registry(pipeline, subject);
    try {
        const int id = registry->register_schema(subject, schema_json);
        spdlog::info("order schema registered under {} with id {}", subject, id);
        return id;
    } catch (const registry_client::RegistryError& e) {
        if (e.http_status() == 0) {
            throw common::ConfigError("SCHEMA_REGISTRY_URL", e.what());
        }
        throw std::runtime_error("the schema registry refused the order schema for subject " +
                                 subject + ": " + e.what() + " (HTTP " +
                                 std::to_string(e.http_status()) + ", error_code " +
                                 std::to_string(e.error_code()) + ")");
    }
}

}  // namespace orderflow::pipeline
