#pragma once

// The REST API's handlers, one per route, over the store (reads) and the record log (writes).
// They return the JSON body of a 200 answer or throw ApiError; http_server.cpp routes to them,
// negotiates content types and turns ApiError into Confluent's error body (the one place).

#include "registry/config_types.h"
#include "registry/record_log.h"
#include "registry/schema_store.h"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::registry {

/// One decoded request: path parameters already percent-decoded, query parameters as given.
struct ApiRequest {
    std::string method;
    std::string subject;  // {s}
    std::string version;  // {v}
    std::string id;       // {id}
    std::multimap<std::string, std::string> params;
    std::string body;

    std::optional<std::string> param(const std::string& name) const;
    /// Case-insensitive "true"; anything else (absent, False, garbage) is false.
    bool flag(const std::string& name) const;
};

template <class T>
struct SettingRoute;  // handlers_config.cpp

class RegistryApi {
public:
    RegistryApi(SchemaStore& store, RecordLog& log, RegistryOptions options);

    // "/"
    std::string get_root(const ApiRequest& req);
    // /subjects...
    std::string get_subjects(const ApiRequest& req);
    std::string get_subject_versions(const ApiRequest& req);
    std::string post_subject_versions(const ApiRequest& req);  // register
    std::string get_subject_version(const ApiRequest& req);
    std::string get_subject_version_schema(const ApiRequest& req);
    std::string get_subject_version_referencedby(const ApiRequest& req);
    std::string delete_subject_version(const ApiRequest& req);
    std::string post_subject(const ApiRequest& req);  // lookup
    std::string delete_subject(const ApiRequest& req);
    // /schemas...
    std::string get_schemas(const ApiRequest& req);
    std::string get_schema_by_id(const ApiRequest& req);
    std::string get_schema_by_id_schema(const ApiRequest& req);
    std::string get_schema_by_id_subjects(const ApiRequest& req);
    std::string get_schema_by_id_versions(const ApiRequest& req);
    std::string get_schema_types(const ApiRequest& req);
    // /config, /mode
    std::string get_config(const ApiRequest& req);
    std::string put_config(const ApiRequest& req);
    std::string delete_config(const ApiRequest& req);
    std::string get_subject_config(const ApiRequest& req);
    std::string put_subject_config(const ApiRequest& req);
    std::string delete_subject_config(const ApiRequest& req);
    std::string get_mode(const ApiRequest& req);
    std::string put_mode(const ApiRequest& req);
    std::string delete_mode(const ApiRequest& req);
    std::string get_subject_mode(const ApiRequest& req);
    std::string put_subject_mode(const ApiRequest& req);
    std::string delete_subject_mode(const ApiRequest& req);
    // /compatibility
    std::string post_compatibility_versions(const ApiRequest& req);
    std::string post_compatibility_version(const ApiRequest& req);
    // misc
    std::string get_contexts(const ApiRequest& req);
    std::string get_associations(const ApiRequest& req);
    std::string get_metadata_id(const ApiRequest& req);
    std::string get_metadata_version(const ApiRequest& req);

    SchemaStore& store() { return store_; }

private:
    struct RegisterRequest {
        std::optional<std::string> schema;
        std::string schema_type = "AVRO";
        std::vector<SchemaReference> references;
        std::optional<int> version;
        std::optional<int> id;
    };
    RegisterRequest parse_register_request(const std::string& body) const;
    ParsedSchema parse_request_schema(const RegisterRequest& request, bool normalize) const;
    void check_writable(const std::string& subject) const;
    // /config and /mode: one generic handler each for GET, PUT and DELETE (handlers_config.cpp).
    template <class T>
    std::string get_setting(const SettingRoute<T>& route,
                            const std::optional<std::string>& subject,
                            const ApiRequest& req);
    template <class T>
    std::string put_setting(const SettingRoute<T>& route,
                            const std::optional<std::string>& subject,
                            const ApiRequest& req);
    template <class T>
    std::string delete_setting(const SettingRoute<T>& route,
                               const std::optional<std::string>& subject);
    std::string check_compatibility(const ApiRequest& req, std::optional<std::string> version);

    SchemaStore& store_;
    RecordLog& log_;
    RegistryRules rules_;
    WriteGate write_mutex_;  // one write at a time on this instance, waited for in bounded time
};

// Helpers shared by the handler files.
namespace api_detail {
/// "latest"/"-1" → nullopt; an int in [1, 2^31-1] → it; else ApiError 42202.
std::optional<int> parse_version(const std::string& text);
/// ApiError 42208 for empty subjects, control characters or invalid UTF-8.
void validate_subject(const std::string& subject);
/// Subject "" when `:.:` (the default context) names the global scope.
bool is_default_context(const std::string& subject);
/// `json` as text, invalid UTF-8 in strings replaced rather than thrown on.
std::string dump(const nlohmann::json& json);
/// The Schema JSON {"subject","version","id","schemaType"?,"references"?,"schema"}.
std::string schema_json(const std::string& subject,
                        int version,
                        int id,
                        const StoredSchema& schema);
}  // namespace api_detail

}  // namespace orderflow::registry
