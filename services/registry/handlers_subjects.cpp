// Handlers for /subjects: list, versions, register, get, lookup, delete.
#include "registry/api_error.h"
#include "registry/json_limits.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::registry {

using api_detail::parse_version;
using api_detail::schema_json;
using api_detail::validate_subject;
using Json = nlohmann::json;

namespace {

std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// offset/limit pagination (limit -1 = all); bad numbers are ignored as Confluent's clients
// send only well-formed ones.
template <class T>
std::vector<T> paginate(std::vector<T> items, const ApiRequest& req) {
    long offset = 0;
    long limit = -1;
    try {
        offset = std::stol(req.param("offset").value_or("0"));
        limit = std::stol(req.param("limit").value_or("-1"));
    } catch (const std::exception&) {
        return items;
    }
    if (offset < 0) {
        offset = 0;
    }
    if (offset >= static_cast<long>(items.size())) {
        return {};
    }
    items.erase(items.begin(), items.begin() + offset);
    if (limit >= 0 && limit < static_cast<long>(items.size())) {
        items.resize(static_cast<std::size_t>(limit));
    }
    return items;
}

// Ids of schemas used by a live version whose references name (subject, version).
std::vector<int> referencing_ids(const StoreState& state, const std::string& subject, int version) {
    std::vector<int> ids;
    for (const auto& [id, schema] : state.schemas) {
        const bool refers = std::any_of(
            schema.references.begin(), schema.references.end(),
            [&](const SchemaReference& r) { return r.subject == subject && r.version == version; });
        if (!refers) {
            continue;
        }
        bool live = false;
        for (const auto& [s, versions] : state.subjects) {
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

std::string details_message(const std::vector<std::string>& messages) {
    std::string details = "[";
    for (std::size_t i = 0; i < messages.size(); ++i) {
        details += (i == 0 ? "" : ", ") + messages[i];
    }
    return details + "]";
}

}  // namespace

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

std::string RegistryApi::get_subjects(const ApiRequest& req) {
    const auto prefix = req.param("subjectPrefix").value_or(req.param("subject").value_or(""));
    const bool deleted_only = req.flag("deletedOnly") || req.flag("deleted_only");
    const bool deleted = req.flag("deleted") || deleted_only;
    auto names = store_.read([&](const StoreState& s) {
        std::vector<std::string> out;
        for (const auto& [name, versions] : s.subjects) {
            if (!name.starts_with(prefix) || versions.empty()) {
                continue;
            }
            const bool live = s.has_live_versions(name);
            if (deleted_only ? !live : (live || deleted)) {
                out.push_back(name);
            }
        }
        return out;
    });
    return dump(Json(paginate(std::move(names), req)));
}

std::string RegistryApi::get_subject_versions(const ApiRequest& req) {
    const bool deleted_only = req.flag("deletedOnly") || req.flag("deleted_only");
    const bool deleted = req.flag("deleted") || deleted_only;
    const bool negative = req.flag("deletedAsNegative");
    auto versions = store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        if (it == s.subjects.end() || (!deleted && !s.has_live_versions(req.subject))) {
            throw errors::subject_not_found(req.subject);
        }
        std::vector<int> out;
        for (const auto& [v, entry] : it->second) {
            if (deleted_only ? entry.deleted : (!entry.deleted || deleted)) {
                out.push_back(entry.deleted && negative ? -v : v);
            }
        }
        return out;
    });
    return dump(Json(paginate(std::move(versions), req)));
}

std::string RegistryApi::post_subject_versions(const ApiRequest& req) {
    validate_subject(req.subject);
    const auto request = parse_register_request(req.body);
    const bool normalize = req.flag("normalize");
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto mode =
        store_.read([&](const StoreState& s) { return effective_mode(s, req.subject); });
    if (mode == "READONLY" || mode == "READONLY_OVERRIDE") {
        throw errors::operation_not_permitted("Subject " + req.subject +
                                              " in context . is in read-only mode");
    }
    const bool import = mode == "IMPORT";
    if (!import && request.id && *request.id >= 0) {
        throw errors::operation_not_permitted(
            "Subject " + req.subject +
            " is not in import mode: a schema id may be given only in "
            "IMPORT mode");
    }
    if (import && (!request.id || *request.id < 1)) {
        throw errors::operation_not_permitted("Subject " + req.subject +
                                              " is in import mode: the request must give an id");
    }
    const auto parsed = parse_request_schema(request, normalize);
    const auto fingerprint = parsed.fingerprint();

    struct Plan {
        int id = 0;
        std::vector<Record> records;
    };
    const auto plan = store_.read([&](const StoreState& s) {
        Plan p;
        const auto subject_it = s.subjects.find(req.subject);
        const std::map<int, SubjectVersion> empty;
        const auto& versions = subject_it != s.subjects.end() ? subject_it->second : empty;
        // Same schema already live in this subject: its id, no write, no compatibility check.
        for (const auto& [v, entry] : versions) {
            if (!entry.deleted && s.schemas.at(entry.id).fingerprint == fingerprint &&
                (!request.version || *request.version == v)) {
                p.id = entry.id;
                return p;
            }
        }
        const int next_version = versions.empty() ? 1 : versions.rbegin()->first + 1;
        int version = next_version;
        if (import) {
            version = request.version.value_or(next_version);
            if (versions.count(version) != 0) {
                throw errors::id_mismatch("Version " + std::to_string(version) +
                                          " already exists in subject " + req.subject);
            }
            const auto by_id = s.schemas.find(*request.id);
            if (by_id != s.schemas.end() && by_id->second.fingerprint != fingerprint) {
                throw errors::id_mismatch("Overwrite new schema with id " +
                                          std::to_string(*request.id) + " is not permitted.");
            }
            p.id = *request.id;
        } else {
            if (request.version && *request.version != next_version) {
                throw errors::invalid_schema("Version is not one more than previous version");
            }
            const auto level_name = effective_compatibility(s, req.subject);
            const auto level = avro::compatibility_level_from_string(level_name)
                                   .value_or(avro::CompatibilityLevel::kBackward);
            std::vector<std::pair<int, const StoredSchema*>> live;
            for (const auto& [v, entry] : versions) {
                if (!entry.deleted) {
                    live.emplace_back(v, &s.schemas.at(entry.id));
                }
            }
            if (!is_transitive(level) && live.size() > 1) {
                live.erase(live.begin(), live.end() - 1);
            }
            for (auto it = live.rbegin(); it != live.rend(); ++it) {
                const auto* previous = it->second;
                if (!previous->parsed) {
                    spdlog::warn("compatibility: {} version {} does not parse here; skipped",
                                 req.subject, it->first);
                    continue;
                }
                const auto result = check_pair(parsed, *previous->parsed, it->first, level);
                if (result.note) {
                    spdlog::info("register {}: {}", req.subject, *result.note);
                }
                if (!result.messages.empty()) {
                    throw errors::incompatible(options_.incompatible_error_code, req.subject,
                                               details_message(result.messages));
                }
            }
            const auto known = s.id_by_fingerprint.find(fingerprint);
            p.id = known != s.id_by_fingerprint.end() ? known->second : s.max_id + 1;
        }
        SchemaValue value{req.subject,       version,          p.id, parsed.type,
                          parsed.references, parsed.canonical, false};
        p.records.push_back(
            {records::schema_key(req.subject, version), records::schema_value(value)});
        // As Confluent does: older soft-deleted versions of this schema in the subject go.
        for (const auto& [v, entry] : versions) {
            if (entry.deleted && entry.id == p.id && referencing_ids(s, req.subject, v).empty()) {
                p.records.push_back({records::schema_key(req.subject, v), std::nullopt});
            }
        }
        return p;
    });
    if (!plan.records.empty()) {
        log_.append(plan.records);
        spdlog::info("registered schema id {} under subject {}", plan.id, req.subject);
    }
    Json body;
    body["id"] = plan.id;
    return dump(body);
}

std::string RegistryApi::get_subject_version(const ApiRequest& req) {
    const auto version = parse_version(req.version);
    const bool deleted = req.flag("deleted");
    return store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        if (it == s.subjects.end() || (!deleted && !s.has_live_versions(req.subject))) {
            throw errors::subject_not_found(req.subject);
        }
        int v = 0;
        if (!version) {
            const auto latest = deleted ? std::optional<int>(it->second.rbegin()->first)
                                        : s.latest_live(req.subject);
            v = *latest;
        } else {
            v = *version;
        }
        const auto entry = it->second.find(v);
        if (entry == it->second.end() || (entry->second.deleted && !deleted)) {
            throw errors::version_not_found(std::to_string(v));
        }
        return schema_json(req.subject, v, entry->second.id, s.schemas.at(entry->second.id));
    });
}

std::string RegistryApi::get_subject_version_schema(const ApiRequest& req) {
    const auto body = Json::parse(get_subject_version(req));
    return body.at("schema").get<std::string>();
}

std::string RegistryApi::get_subject_version_referencedby(const ApiRequest& req) {
    const auto version = parse_version(req.version);
    auto ids = store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        if (it == s.subjects.end()) {
            throw errors::subject_not_found(req.subject);
        }
        const int v = version ? *version : s.latest_live(req.subject).value_or(0);
        if (it->second.count(v) == 0) {
            throw errors::version_not_found(std::to_string(v));
        }
        return referencing_ids(s, req.subject, v);
    });
    return dump(Json(paginate(std::move(ids), req)));
}

std::string RegistryApi::delete_subject_version(const ApiRequest& req) {
    const auto version = parse_version(req.version);
    const bool permanent = req.flag("permanent");
    std::lock_guard write(write_mutex_);
    log_.sync();
    check_writable(req.subject);
    const auto [v, records] = store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        if (it == s.subjects.end()) {
            throw errors::subject_not_found(req.subject);
        }
        std::optional<int> target = version;
        if (!target) {
            target = s.latest_live(req.subject);
            if (!target && permanent) {
                target = it->second.rbegin()->first;
            }
            if (!target) {
                throw errors::version_not_found("latest");
            }
        }
        const auto entry = it->second.find(*target);
        if (entry == it->second.end()) {
            throw errors::version_not_found(std::to_string(*target));
        }
        std::vector<Record> out;
        if (!referencing_ids(s, req.subject, *target).empty()) {
            throw errors::reference_exists(req.subject, *target);
        }
        if (!permanent) {
            if (entry->second.deleted) {
                throw errors::version_soft_deleted(req.subject, *target);
            }
            const auto& schema = s.schemas.at(entry->second.id);
            SchemaValue value{req.subject, *target,           entry->second.id,
                              schema.type, schema.references, schema.schema,
                              true};
            out.push_back(
                {records::schema_key(req.subject, *target), records::schema_value(value)});
        } else {
            if (!entry->second.deleted) {
                throw errors::version_not_soft_deleted(req.subject, *target);
            }
            out.push_back({records::schema_key(req.subject, *target), std::nullopt});
            if (it->second.size() == 1) {  // the last version: its config and mode go too
                if (s.subject_compatibility.count(req.subject) != 0) {
                    out.push_back({records::config_key(req.subject), std::nullopt});
                }
                if (s.subject_mode.count(req.subject) != 0) {
                    out.push_back({records::mode_key(req.subject), std::nullopt});
                }
            }
        }
        return std::pair{*target, out};
    });
    log_.append(records);
    return std::to_string(v);
}

std::string RegistryApi::post_subject(const ApiRequest& req) {
    validate_subject(req.subject);
    const auto request = parse_register_request(req.body);
    const bool deleted = req.flag("deleted");
    const bool known = store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        return it != s.subjects.end() && (deleted || s.has_live_versions(req.subject));
    });
    if (!known) {
        throw errors::subject_not_found(req.subject);
    }
    const auto parsed = parse_request_schema(request, req.flag("normalize"));
    const auto fingerprint = parsed.fingerprint();
    return store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        if (it == s.subjects.end()) {
            throw errors::subject_not_found(req.subject);
        }
        std::optional<std::pair<int, int>> match;  // version, id
        for (const auto& [v, entry] : it->second) {
            if (entry.deleted && !deleted) {
                continue;
            }
            const auto& stored = s.schemas.at(entry.id);
            if (stored.fingerprint == fingerprint ||
                (stored.type == parsed.type && stored.schema == *request.schema)) {
                if (!match || !entry.deleted) {
                    match = std::pair{v, entry.id};
                }
            }
        }
        if (!match) {
            throw errors::schema_not_found();
        }
        return schema_json(req.subject, match->first, match->second, s.schemas.at(match->second));
    });
}

std::string RegistryApi::delete_subject(const ApiRequest& req) {
    const bool permanent = req.flag("permanent");
    std::lock_guard write(write_mutex_);
    log_.sync();
    check_writable(req.subject);
    const auto [deleted_versions, records] = store_.read([&](const StoreState& s) {
        const auto it = s.subjects.find(req.subject);
        if (it == s.subjects.end() || it->second.empty()) {
            throw errors::subject_not_found(req.subject);
        }
        std::vector<int> versions;
        std::vector<Record> out;
        const bool live = s.has_live_versions(req.subject);
        for (const auto& [v, entry] : it->second) {
            if (!referencing_ids(s, req.subject, v).empty()) {
                throw errors::reference_exists(req.subject, v);
            }
        }
        if (!permanent) {
            if (!live) {
                throw errors::subject_soft_deleted(req.subject);
            }
            for (const auto& [v, entry] : it->second) {
                if (!entry.deleted) {
                    versions.push_back(v);
                }
            }
            out.push_back({records::delete_subject_key(req.subject),
                           records::delete_subject_value(req.subject, versions.back())});
        } else {
            if (live) {
                throw errors::subject_not_soft_deleted(req.subject);
            }
            for (const auto& [v, entry] : it->second) {
                versions.push_back(v);
                out.push_back({records::schema_key(req.subject, v), std::nullopt});
            }
            if (s.subject_compatibility.count(req.subject) != 0) {
                out.push_back({records::config_key(req.subject), std::nullopt});
            }
            if (s.subject_mode.count(req.subject) != 0) {
                out.push_back({records::mode_key(req.subject), std::nullopt});
            }
        }
        return std::pair{versions, out};
    });
    log_.append(records);
    spdlog::info("{} deleted subject {} versions {}", permanent ? "permanently" : "soft",
                 req.subject, Json(deleted_versions).dump());
    return dump(Json(deleted_versions));
}

}  // namespace orderflow::registry
