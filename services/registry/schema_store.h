#pragma once

// The registry's in-memory state, rebuilt from `_schemas` records only: every change, local or
// from another instance (or from Confluent's registry), arrives through apply(). Readers take a
// shared lock; apply() takes the exclusive one.

#include "registry/config_types.h"
#include "registry/records.h"
#include "registry/schema_types.h"
#include "registry/subject_setting.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace orderflow::registry {

struct SubjectVersion {
    int id = 0;
    bool deleted = false;
};

struct StoredSchema {
    std::string type = "AVRO";
    std::string schema;  // as stored (canonical when we wrote it)
    std::vector<SchemaReference> references;
    std::string fingerprint;
    /// Parsed form for compatibility checks; null when the stored text does not parse here.
    std::shared_ptr<const ParsedSchema> parsed;
    /// The GET /schemas/ids/{id} body, built once.
    std::string by_id_body;
    int uses = 0;  // subject versions (live or soft-deleted) carrying this id
};

struct StoreState {
    std::map<std::string, std::map<int, SubjectVersion>> subjects;
    std::map<int, StoredSchema> schemas;
    std::unordered_map<std::string, int> id_by_fingerprint;
    SubjectSetting<CompatibilityLevel> compatibility;  // CONFIG records
    SubjectSetting<Mode> mode;                         // MODE records
    int max_id = 0;
    std::int64_t records_applied = 0;
    std::int64_t records_skipped = 0;

    /// The schema a reference names (subject, version), including soft-deleted versions.
    std::optional<SchemaValue> resolve(const SchemaReference& ref) const;
    /// The newest non-deleted version of a subject, if any.
    std::optional<int> latest_live(const std::string& subject) const;
    bool has_live_versions(const std::string& subject) const;
    /// Ids of schemas used by a live version whose references name (subject, version).
    std::vector<int> referencing_ids(const std::string& subject, int version) const;
};

class SchemaStore {
public:
    /**
     * Applies one `_schemas` record (Confluent's format, see records.h). Returns whether it took
     * effect: false for malformed records and unknown key types (logged and skipped, never
     * thrown), and for a SCHEMA record that conflicts with the state (its id already names
     * another schema, or its subject version already holds another id: the first record in the
     * log wins). For a SCHEMA record true means the store now maps subject/version to its id
     * and that id to its schema. `origin` names the record in log lines ("_schemas [0] offset 7").
     */
    bool apply(const std::string& key,
               const std::optional<std::string>& value,
               const std::string& origin = "_schemas");

    /**
     * The record that restates what the store holds for the SCHEMA key `key`: its current value,
     * or a tombstone when the version is absent. Written after a conflicting record of ours was
     * ignored, so that compaction (which keeps the last record per key) keeps the winner.
     * Errors: nlohmann::json::exception when `key` is not a SCHEMA key.
     */
    Record restate_schema(const std::string& key) const;

    /// Runs `read` under the shared lock and returns its result.
    template <class F>
    auto read(F&& read) const {
        std::shared_lock lock(mutex_);
        return read(std::as_const(state_));
    }

private:
    bool apply_schema(const std::string& subject,
                      int version,
                      const std::optional<std::string>& value,
                      const std::string& origin);
    void drop_use(int id);
    void drop_unused(std::map<int, StoredSchema>::iterator it);

    mutable std::shared_mutex mutex_;
    StoreState state_;
};

/// Adds "schemaType" (omitted for AVRO, as CSR 7.x), "references" (omitted when empty) and
/// "schema" to `body`.
void add_schema_fields(nlohmann::ordered_json& body, const StoredSchema& schema);

/// The SCHEMA-ish JSON for GET /schemas/ids/{id}: {"schemaType"?,"references"?,"schema"}.
std::string schema_string_body(const StoredSchema& schema);

}  // namespace orderflow::registry
