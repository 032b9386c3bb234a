#include "registry/schema_store.h"

#include "registry/api_error.h"
#include "registry/json_limits.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace orderflow::registry {
namespace {

using Json = nlohmann::json;

std::vector<SchemaReference> parse_references(const Json& value) {
    std::vector<SchemaReference> refs;
    if (!value.contains("references") || value["references"].is_null()) {
        return refs;
    }
    for (const auto& r : value.at("references")) {
        refs.push_back({r.at("name").get<std::string>(), r.at("subject").get<std::string>(),
                        r.at("version").get<int>()});
    }
    return refs;
}

std::optional<std::string> optional_subject(const Json& key) {
    if (!key.contains("subject") || key["subject"].is_null()) {
        return std::nullopt;
    }
    return key["subject"].get<std::string>();
}

// Keys and messages of hostile records can be megabytes: a log line shows their start.
std::string log_excerpt(std::string_view text) {
    constexpr std::size_t kShown = 200;
    if (text.size() <= kShown) {
        return std::string(text);
    }
    return std::string(text.substr(0, kShown)) + "... (" + std::to_string(text.size()) + " bytes)";
}

// A CONFIG or MODE record: `field` of the value sets the key's subject (or the global value),
// a tombstone or a null field deletes it. A value this registry has no name for is malformed.
template <class T, class Parse>
void apply_setting(SubjectSetting<T>& setting,
                   const Json& key,
                   const std::optional<Json>& value,
                   const char* field,
                   Parse parse) {
    std::optional<T> parsed;
    if (value && value->contains(field) && !(*value)[field].is_null()) {
        const auto text = (*value)[field].get<std::string>();
        parsed = parse(text);
        if (!parsed) {
            throw std::invalid_argument(std::string(field) + " '" + text + "' is unknown");
        }
    }
    setting.set(optional_subject(key), parsed);
}

}  // namespace

std::optional<SchemaValue> StoreState::resolve(const SchemaReference& ref) const {
    const auto subject = subjects.find(ref.subject);
    if (subject == subjects.end()) {
        return std::nullopt;
    }
    int version = ref.version;
    if (version == -1) {
        const auto latest = latest_live(ref.subject);
        if (!latest) {
            return std::nullopt;
        }
        version = *latest;
    }
    const auto entry = subject->second.find(version);
    if (entry == subject->second.end()) {
        return std::nullopt;
    }
    const auto& schema = schemas.at(entry->second.id);
    return SchemaValue{ref.subject,       version,       entry->second.id,     schema.type,
                       schema.references, schema.schema, entry->second.deleted};
}

std::optional<int> StoreState::latest_live(const std::string& subject) const {
    const auto it = subjects.find(subject);
    if (it == subjects.end()) {
        return std::nullopt;
    }
    for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
        if (!v->second.deleted) {
            return v->first;
        }
    }
    return std::nullopt;
}

bool StoreState::has_live_versions(const std::string& subject) const {
    return latest_live(subject).has_value();
}

std::vector<int> StoreState::referencing_ids(const std::string& subject, int version) const {
    std::vector<int> ids;
    for (const auto& [id, schema] : schemas) {
        const bool refers = std::any_of(
            schema.references.begin(), schema.references.end(),
            [&](const SchemaReference& r) { return r.subject == subject && r.version == version; });
        if (!refers) {
            continue;
        }
        bool live = false;
        for (const auto& [s, versions] : subjects) {
            for (const auto& [v, entry] : versions) {
                live = live || (entry.id == id && !entry.deleted);
            }
        }
        if (live) {
            ids.push_back(id);
        }
    }
    return ids;
}

void add_schema_fields(nlohmann::ordered_json& body, const StoredSchema& schema) {
    if (schema.type != "AVRO") {
        body["schemaType"] = schema.type;
    }
    if (!schema.references.empty()) {
        auto refs = nlohmann::ordered_json::array();
        for (const auto& r : schema.references) {
            refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
        }
        body["references"] = refs;
    }
    body["schema"] = schema.schema;
}

std::string schema_string_body(const StoredSchema& schema) {
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    add_schema_fields(body, schema);
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool SchemaStore::apply(const std::string& key_text,
                        const std::optional<std::string>& value_text,
                        const std::string& origin) {
    std::unique_lock lock(mutex_);
    try {
        const auto key = parse_json<Json>(key_text, kMaxRequestJsonDepth);
        const auto keytype = key.at("keytype").get<std::string>();
        std::optional<Json> value;
        if (value_text && !value_text->empty()) {
            value = parse_json<Json>(*value_text, kMaxRequestJsonDepth);
            if (value->is_null()) {
                value.reset();
            }
        }
        if (keytype == "SCHEMA") {
            if (!apply_schema(key.at("subject").get<std::string>(), key.at("version").get<int>(),
                              value ? std::optional<std::string>(*value_text) : std::nullopt,
                              origin)) {
                ++state_.records_skipped;
                return false;
            }
        } else if (keytype == "CONFIG") {
            apply_setting(state_.compatibility, key, value, "compatibilityLevel",
                          parse_compatibility_level);
        } else if (keytype == "MODE") {
            apply_setting(state_.mode, key, value, "mode", parse_mode);
        } else if (keytype == "DELETE_SUBJECT") {
            if (value) {
                const auto subject = value->at("subject").get<std::string>();
                const int up_to = value->at("version").get<int>();
                auto it = state_.subjects.find(subject);
                if (it != state_.subjects.end()) {
                    for (auto& [version, entry] : it->second) {
                        if (version <= up_to) {
                            entry.deleted = true;
                        }
                    }
                }
            }
        } else if (keytype == "CLEAR_SUBJECT") {
            if (value) {
                const auto subject = value->at("subject").get<std::string>();
                auto it = state_.subjects.find(subject);
                if (it != state_.subjects.end()) {
                    for (const auto& [version, entry] : it->second) {
                        drop_use(entry.id);
                    }
                    state_.subjects.erase(it);
                }
            }
        } else if (keytype == "NOOP") {
            // an offset probe: nothing to apply
        } else {
            spdlog::info("{}: skipping record with key type {}", origin, log_excerpt(keytype));
            ++state_.records_skipped;
            return false;
        }
        ++state_.records_applied;
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("{}: skipping malformed record (key {}): {}", origin, log_excerpt(key_text),
                     log_excerpt(e.what()));
        ++state_.records_skipped;
        return false;
    }
}

Record SchemaStore::restate_schema(const std::string& key_text) const {
    const auto key = parse_json<Json>(key_text, kMaxRequestJsonDepth);
    const auto subject = key.at("subject").get<std::string>();
    const int version = key.at("version").get<int>();
    std::shared_lock lock(mutex_);
    const auto subject_it = state_.subjects.find(subject);
    if (subject_it == state_.subjects.end() || subject_it->second.count(version) == 0) {
        return {key_text, std::nullopt};
    }
    const auto& entry = subject_it->second.at(version);
    const auto& schema = state_.schemas.at(entry.id);
    return {key_text, records::schema_value({subject, version, entry.id, schema.type,
                                             schema.references, schema.schema, entry.deleted})};
}

void SchemaStore::drop_use(int id) {
    auto it = state_.schemas.find(id);
    if (it == state_.schemas.end()) {
        return;
    }
    if (--it->second.uses <= 0) {
        drop_unused(it);
    }
}

void SchemaStore::drop_unused(std::map<int, StoredSchema>::iterator it) {
    const auto fp = state_.id_by_fingerprint.find(it->second.fingerprint);
    if (fp != state_.id_by_fingerprint.end() && fp->second == it->first) {
        state_.id_by_fingerprint.erase(fp);
    }
    state_.schemas.erase(it);
}

bool SchemaStore::apply_schema(const std::string& subject,
                               int version,
                               const std::optional<std::string>& value_text,
                               const std::string& origin) {
    if (!value_text) {  // tombstone: permanent delete of this version
        const auto subject_it = state_.subjects.find(subject);
        if (subject_it == state_.subjects.end()) {
            return true;
        }
        const auto existing = subject_it->second.find(version);
        if (existing != subject_it->second.end()) {
            const int id = existing->second.id;
            subject_it->second.erase(existing);
            drop_use(id);
        }
        if (subject_it->second.empty()) {
            state_.subjects.erase(subject_it);
        }
        return true;
    }
    const auto value = parse_json<Json>(*value_text, kMaxRequestJsonDepth);
    const int id = value.at("id").get<int>();
    const bool deleted = value.value("deleted", false);
    std::string type = "AVRO";
    if (value.contains("schemaType") && !value["schemaType"].is_null()) {
        type = value["schemaType"].get<std::string>();
    }
    const auto refs = parse_references(value);
    const auto text = value.at("schema").get<std::string>();

    auto schema_it = state_.schemas.find(id);
    if (schema_it == state_.schemas.end()) {
        StoredSchema stored;
        stored.type = type;
        stored.schema = text;
        stored.references = refs;
        try {
            auto parsed = parse_schema(
                type, text, refs, [this](const SchemaReference& r) { return state_.resolve(r); });
            stored.fingerprint = parsed.fingerprint();
            stored.parsed = std::make_shared<const ParsedSchema>(std::move(parsed));
        } catch (const ApiError& e) {
            spdlog::warn("{}: schema id {} does not parse here ({}); stored as text", origin, id,
                         log_excerpt(e.what()));
            ParsedSchema raw{type, text, refs, std::nullopt};
            stored.fingerprint = raw.fingerprint();
        }
        stored.by_id_body = schema_string_body(stored);
        schema_it = state_.schemas.emplace(id, std::move(stored)).first;
        state_.id_by_fingerprint.emplace(schema_it->second.fingerprint, id);
    } else if (schema_it->second.schema != text || schema_it->second.type != type) {
        spdlog::warn("{}: id {} already holds another schema; {} version {} ignored", origin, id,
                     subject, version);
        return false;
    }
    auto& versions = state_.subjects[subject];
    const auto existing = versions.find(version);
    if (existing != versions.end() && existing->second.id != id) {
        // Two writers (a leadership change mid-write) chose this version for different
        // schemas: the first record in the log wins, everywhere, so no id names two schemas.
        spdlog::warn("{}: {} version {} already holds id {}; a record giving it id {} ignored",
                     origin, subject, version, existing->second.id, id);
        if (schema_it->second.uses == 0) {
            drop_unused(schema_it);
        }
        return false;
    }
    state_.max_id = std::max(state_.max_id, id);
    if (existing != versions.end()) {
        existing->second.deleted = deleted;
    } else {
        versions[version] = {id, deleted};
        ++schema_it->second.uses;
    }
    // What a writer is answered with must be what the store now holds.
    const auto& now = state_.subjects.at(subject).at(version);
    const auto& held = state_.schemas.at(now.id);
    return now.id == id && now.deleted == deleted && held.schema == text && held.type == type;
}

}  // namespace orderflow::registry
