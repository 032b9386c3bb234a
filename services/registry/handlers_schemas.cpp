// Handlers for /schemas: by id (the hot path: a prebuilt body under a shared lock), its
// subjects and versions, the list, and the types.
#include "registry/api_error.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <set>

namespace orderflow::registry {
namespace {

using Json = nlohmann::json;

// A non-integer id is an unknown route for Confluent (404/404); an unknown integer is 40403.
long long parse_id(const std::string& text) {
    long long id = 0;
    const auto* end = text.data() + text.size();
    const auto [rest, ec] = std::from_chars(text.data(), end, id);
    if (text.empty() || ec != std::errc{} || rest != end) {
        throw errors::not_found();
    }
    return id;
}

const StoredSchema& find_schema(const StoreState& s, long long id) {
    const auto it =
        id > 0 && id <= 2147483647LL ? s.schemas.find(static_cast<int>(id)) : s.schemas.end();
    if (it == s.schemas.end()) {
        throw errors::schema_id_not_found(id);
    }
    return it->second;
}

}  // namespace

std::string RegistryApi::get_schema_by_id(const ApiRequest& req) {
    const auto id = parse_id(req.id);
    const bool max_id = req.flag("fetchMaxId");
    return store_.read([&](const StoreState& s) {
        const auto& schema = find_schema(s, id);
        if (!max_id) {
            return schema.by_id_body;
        }
        auto body = nlohmann::ordered_json::parse(schema.by_id_body);
        body["maxId"] = s.max_id;
        return body.dump();
    });
}

std::string RegistryApi::get_schema_by_id_schema(const ApiRequest& req) {
    const auto id = parse_id(req.id);
    return store_.read([&](const StoreState& s) { return find_schema(s, id).schema; });
}

std::string RegistryApi::get_schema_by_id_subjects(const ApiRequest& req) {
    const auto id = parse_id(req.id);
    const bool deleted = req.flag("deleted");
    return store_.read([&](const StoreState& s) {
        find_schema(s, id);
        std::set<std::string> subjects;
        for (const auto& [name, versions] : s.subjects) {
            for (const auto& [v, entry] : versions) {
                if (entry.id == id && (deleted || !entry.deleted)) {
                    subjects.insert(name);
                }
            }
        }
        return Json(subjects).dump(-1, ' ', false, Json::error_handler_t::replace);
    });
}

std::string RegistryApi::get_schema_by_id_versions(const ApiRequest& req) {
    const auto id = parse_id(req.id);
    const bool deleted = req.flag("deleted");
    return store_.read([&](const StoreState& s) {
        find_schema(s, id);
        auto out = nlohmann::ordered_json::array();
        for (const auto& [name, versions] : s.subjects) {
            for (const auto& [v, entry] : versions) {
                if (entry.id == id && (deleted || !entry.deleted)) {
                    out.push_back({{"subject", name}, {"version", v}});
                }
            }
        }
        return out.dump(-1, ' ', false, Json::error_handler_t::replace);
    });
}

std::string RegistryApi::get_schemas(const ApiRequest& req) {
    const auto prefix = req.param("subjectPrefix").value_or("");
    const bool deleted = req.flag("deleted");
    const bool latest_only = req.flag("latestOnly");
    return store_.read([&](const StoreState& s) {
        std::string out = "[";
        bool first = true;
        for (const auto& [name, versions] : s.subjects) {
            if (!name.starts_with(prefix)) {
                continue;
            }
            for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
                if (it->second.deleted && !deleted) {
                    continue;
                }
                out += (first ? "" : ",") + api_detail::schema_json(name, it->first, it->second.id,
                                                                    s.schemas.at(it->second.id));
                first = false;
                if (latest_only) {
                    break;
                }
            }
        }
        return out + "]";
    });
}

std::string RegistryApi::get_schema_types(const ApiRequest& /*req*/) {
    return R"(["JSON","PROTOBUF","AVRO"])";
}

}  // namespace orderflow::registry
