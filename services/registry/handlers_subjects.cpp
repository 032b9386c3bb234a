// Handlers for /subjects: list, versions, register, get, lookup (deletes: handlers_deletes.cpp).
#include "registry/api_error.h"
#include "registry/registration_plan.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace orderflow::registry {

using api_detail::dump;
using api_detail::parse_version;
using api_detail::schema_json;
using api_detail::validate_subject;
using Json = nlohmann::json;

namespace {

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

}  // namespace orderflow::registry
