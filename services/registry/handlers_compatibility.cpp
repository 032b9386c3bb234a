// Handlers for /compatibility/subjects/{s}/versions[/{v}] with Confluent's quirks: `latest` on
// a subject without live versions is compatible; a numbered version is checked alone whatever
// the level; messages only with verbose=true (and always the note for types without rules).
#include "registry/api_error.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>

namespace orderflow::registry {

using Json = nlohmann::ordered_json;

std::string RegistryApi::post_compatibility_versions(const ApiRequest& req) {
    return check_compatibility(req, std::nullopt);
}

std::string RegistryApi::post_compatibility_version(const ApiRequest& req) {
    return check_compatibility(req, req.version);
}

std::string RegistryApi::check_compatibility(const ApiRequest& req,
                                             std::optional<std::string> version_text) {
    const bool verbose = req.flag("verbose");
    std::optional<int> version;
    const bool one_version = version_text.has_value();
    if (version_text) {
        version = api_detail::parse_version(*version_text);
    }
    const auto request = parse_register_request(req.body);
    std::optional<ParsedSchema> candidate;
    try {
        candidate = parse_request_schema(request, req.flag("normalize"));
    } catch (const ApiError& e) {
        if (!verbose || e.code() != 42201) {
            throw;
        }
        Json body;
        body["is_compatible"] = false;
        body["messages"] = Json::array({e.what()});
        return body.dump();
    }
    struct Previous {
        int version;
        std::shared_ptr<const ParsedSchema> parsed;
        std::string text;
    };
    std::vector<Previous> previous;
    std::string level_name;
    store_.read([&](const StoreState& s) {
        level_name = effective_compatibility(s, req.subject);
        const auto it = s.subjects.find(req.subject);
        if (one_version && version) {
            if (it == s.subjects.end() || it->second.count(*version) == 0 ||
                it->second.at(*version).deleted) {
                throw errors::version_not_found(std::to_string(*version));
            }
            const auto& schema = s.schemas.at(it->second.at(*version).id);
            previous.push_back({*version, schema.parsed, schema.schema});
            return 0;
        }
        if (it == s.subjects.end()) {
            return 0;
        }
        for (const auto& [v, entry] : it->second) {
            if (!entry.deleted) {
                const auto& schema = s.schemas.at(entry.id);
                previous.push_back({v, schema.parsed, schema.schema});
            }
        }
        return 0;
    });
    const auto level = avro::compatibility_level_from_string(level_name)
                           .value_or(avro::CompatibilityLevel::kBackward);
    if (previous.size() > 1 && (one_version || !is_transitive(level))) {
        previous.erase(previous.begin(), previous.end() - 1);
    }
    std::vector<std::string> messages;
    std::optional<std::string> note;
    for (auto it = previous.rbegin(); it != previous.rend() && messages.empty(); ++it) {
        if (!it->parsed) {
            continue;
        }
        auto result = check_pair(*candidate, *it->parsed, it->version, level);
        if (result.note) {
            note = result.note;
        }
        for (auto& m : result.messages) {
            messages.push_back(std::move(m));
        }
    }
    Json body;
    body["is_compatible"] = messages.empty();
    if (note) {
        messages.push_back(*note);
    }
    if (verbose || note) {
        body["messages"] = messages;
    }
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace orderflow::registry
