#pragma once

// The `_schemas` topic's records in Confluent's exact JSON key/value format (keys keep
// Confluent's field order, because compaction works on key bytes).

#include <optional>
#include <string>
#include <vector>

namespace orderflow::registry {

/// One record of `_schemas`: JSON key text and JSON value text (nullopt = tombstone).
struct Record {
    std::string key;
    std::optional<std::string> value;
};

struct SchemaReference {
    std::string name;
    std::string subject;
    int version = 0;
    bool operator==(const SchemaReference&) const = default;
};

/// The value of a SCHEMA record.
struct SchemaValue {
    std::string subject;
    int version = 0;
    int id = 0;
    std::string schema_type = "AVRO";
    std::vector<SchemaReference> references;
    std::string schema;
    bool deleted = false;
};

namespace records {

/// {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}
std::string schema_key(const std::string& subject, int version);
/// CSR 7.x shape: schemaType omitted for AVRO, references omitted when empty.
std::string schema_value(const SchemaValue& value);
/// {"keytype":"CONFIG","subject":s|null,"magic":0}
std::string config_key(const std::optional<std::string>& subject);
std::string config_value(const std::optional<std::string>& subject, const std::string& level);
/// {"keytype":"MODE","subject":s|null,"magic":0}
std::string mode_key(const std::optional<std::string>& subject);
std::string mode_value(const std::optional<std::string>& subject, const std::string& mode);
/// {"keytype":"DELETE_SUBJECT","subject":s,"magic":0} / {"subject":s,"version":v}
std::string delete_subject_key(const std::string& subject);
std::string delete_subject_value(const std::string& subject, int version);
/// {"keytype":"NOOP","magic":0}
std::string noop_key();

}  // namespace records
}  // namespace orderflow::registry
