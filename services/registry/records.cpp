#include "registry/records.h"

#include <nlohmann/json.hpp>

namespace orderflow::registry::records {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The key of a subject-scoped setting (CONFIG, MODE): the global one has subject null.
std::string setting_key(const char* keytype, const std::optional<std::string>& subject) {
    Json key;
    key["keytype"] = keytype;
    key["subject"] = subject ? Json(*subject) : Json(nullptr);
    key["magic"] = 0;
    return dump(key);
}

}  // namespace

std::string schema_key(const std::string& subject, int version) {
    Json key;
    key["keytype"] = "SCHEMA";
    key["subject"] = subject;
    key["version"] = version;
    key["magic"] = 1;
    return dump(key);
}

std::string schema_value(const SchemaValue& value) {
    Json json;
    json["subject"] = value.subject;
    json["version"] = value.version;
    json["id"] = value.id;
    if (value.schema_type != "AVRO") {
        json["schemaType"] = value.schema_type;
    }
    if (!value.references.empty()) {
        Json refs = Json::array();
        for (const auto& r : value.references) {
            refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
        }
        json["references"] = refs;
    }
    json["schema"] = value.schema;
    json["deleted"] = value.deleted;
    return dump(json);
}

std::string config_key(const std::optional<std::string>& subject) {
    return setting_key("CONFIG", subject);
}

std::string config_value(const std::optional<std::string>& subject, const std::string& level) {
    Json value;
    value["compatibilityLevel"] = level;
    if (subject) {
        value["subject"] = *subject;
    }
    return dump(value);
}

std::string mode_key(const std::optional<std::string>& subject) {
    return setting_key("MODE", subject);
}

std::string mode_value(const std::optional<std::string>& subject, const std::string& mode) {
    Json value;
    if (subject) {
        value["subject"] = *subject;
    }
    value["mode"] = mode;
    return dump(value);
}

std::string delete_subject_key(const std::string& subject) {
    Json key;
    key["keytype"] = "DELETE_SUBJECT";
    key["subject"] = subject;
    key["magic"] = 0;
    return dump(key);
}

std::string delete_subject_value(const std::string& subject, int version) {
    Json value;
    value["subject"] = subject;
    value["version"] = version;
    return dump(value);
}

std::string noop_key() {
    return R"({"keytype":"NOOP","magic":0})";
}

}  // namespace orderflow::registry::records
