// The body of a register, lookup or compatibility request, parsed and its schema validated.
#include "registry/api_error.h"
#include "registry/json_limits.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>

namespace orderflow::registry {

using Json = nlohmann::json;

RegistryApi::RegisterRequest RegistryApi::parse_register_request(const std::string& body) const {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw errors::bad_request_shape("Request body is required");
    }
    Json json;
    try {
        json = parse_json<Json>(body, kMaxRequestJsonDepth);
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for 1e400
        throw errors::bad_json(e.what());
    } catch (const JsonTooDeep& e) {
        throw errors::json_too_deep(e.what());
    }
    if (!json.is_object()) {
        throw errors::bad_request_shape("Request body must be a JSON object");
    }
    RegisterRequest request;
    try {
        if (json.contains("schema") && !json["schema"].is_null()) {
            request.schema = json["schema"].get<std::string>();
        }
        if (json.contains("schemaType") && !json["schemaType"].is_null()) {
            request.schema_type = json["schemaType"].get<std::string>();
        }
        if (json.contains("references") && !json["references"].is_null()) {
            for (const auto& r : json["references"]) {
                request.references.push_back({r.at("name").get<std::string>(),
                                              r.at("subject").get<std::string>(),
                                              r.at("version").get<int>()});
            }
        }
        if (json.contains("version") && !json["version"].is_null()) {
            request.version = json["version"].get<int>();
        }
        if (json.contains("id") && !json["id"].is_null()) {
            request.id = json["id"].get<int>();
        }
    } catch (const Json::exception& e) {
        throw errors::bad_request_shape(std::string("Invalid request body: ") + e.what());
    }
    return request;
}

ParsedSchema RegistryApi::parse_request_schema(const RegisterRequest& request,
                                               bool normalize) const {
    if (!is_known_schema_type(request.schema_type)) {
        throw errors::invalid_schema("Invalid schema type " + request.schema_type);
    }
    if (!request.schema) {
        throw errors::invalid_schema("Empty schema");
    }
    // The resolver runs inside parse_schema, outside the store lock: take a snapshot per call.
    return parse_schema(
        request.schema_type, *request.schema, request.references,
        [this](const SchemaReference& r) {
            return store_.read([&](const StoreState& s) { return s.resolve(r); });
        },
        normalize);
}

}  // namespace orderflow::registry
