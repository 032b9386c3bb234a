// Handlers for /subjects: list, versions, register, get, lookup, delete.
#include "registry/api_error.h"
#include "registry/json_limits.h"
#include "registry/registration_plan.h"
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
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto mode = store_.read(
        [&](const StoreState& s) { return s.mode.effective(req.subject, Mode::kReadWrite); });
    admit_registration(mode, req.subject, request.id);
    const Registration registration{req.subject,
                                    parse_request_schema(request, req.flag("normalize")),
                                    request.version, request.id};
    const auto plan = store_.read(
        [&](const StoreState& s) { return plan_registration(s, registration, mode, rules_); });
    for (const int version : plan.check.unparsed) {
        spdlog::warn("compatibility: {} version {} does not parse here; skipped", req.subject,
                     version);
    }
    for (const auto& note : plan.check.notes) {
        spdlog::info("register {}: {}", req.subject, note);
    }
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
        return s.referencing_ids(req.subject, v);
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
        if (!s.referencing_ids(req.subject, *target).empty()) {
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
                if (s.compatibility.configured(req.subject)) {
                    out.push_back({records::config_key(req.subject), std::nullopt});
                }
                if (s.mode.configured(req.subject)) {
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
            if (!s.referencing_ids(req.subject, v).empty()) {
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
            if (s.compatibility.configured(req.subject)) {
                out.push_back({records::config_key(req.subject), std::nullopt});
            }
            if (s.mode.configured(req.subject)) {
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
