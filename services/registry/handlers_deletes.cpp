// Handlers for DELETE /subjects/{s} and /subjects/{s}/versions/{v}: soft deletes first, then
// permanent ones (?permanent=true) of what is already soft-deleted; nothing that a live schema
// references goes.
#include "registry/api_error.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace orderflow::registry {

using api_detail::dump;
using api_detail::parse_version;
using Json = nlohmann::json;

namespace {

// With a subject's last version, its own CONFIG and MODE go too.
void add_setting_tombstones(const StoreState& state,
                            const std::string& subject,
                            std::vector<Record>& out) {
    if (state.compatibility.configured(subject)) {
        out.push_back({records::config_key(subject), std::nullopt});
    }
    if (state.mode.configured(subject)) {
        out.push_back({records::mode_key(subject), std::nullopt});
    }
}

}  // namespace

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
            if (it->second.size() == 1) {
                add_setting_tombstones(s, req.subject, out);
            }
        }
        return std::pair{*target, out};
    });
    log_.append(records);
    return std::to_string(v);
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
            add_setting_tombstones(s, req.subject, out);
        }
        return std::pair{versions, out};
    });
    log_.append(records);
    spdlog::info("{} deleted subject {} versions {}", permanent ? "permanently" : "soft",
                 req.subject, Json(deleted_versions).dump());
    return dump(Json(deleted_versions));
}

}  // namespace orderflow::registry
