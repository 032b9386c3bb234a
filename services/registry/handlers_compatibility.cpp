// Handlers for /compatibility/subjects/{s}/versions[/{v}] with Confluent's quirks: `latest` on
// a subject without live versions is compatible; a numbered version is checked alone whatever
// the level; messages only with verbose=true (and always the note for types without rules).
#include "registry/api_error.h"
#include "registry/history_check.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>

namespace orderflow::registry {

using OrderedJson = nlohmann::ordered_json;

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
        OrderedJson body;
        body["is_compatible"] = false;
        body["messages"] = OrderedJson::array({e.what()});
        return body.dump();
    }
    std::vector<PastVersion> history;
    const auto level = store_.read([&](const StoreState& s) {
        if (one_version && version) {
            const auto it = s.subjects.find(req.subject);
            if (it == s.subjects.end() || it->second.count(*version) == 0 ||
                it->second.at(*version).deleted) {
                throw errors::version_not_found(std::to_string(*version));
            }
            history.push_back({*version, s.schemas.at(it->second.at(*version).id).parsed});
        } else {
            history = live_history(s, req.subject);
        }
        if (one_version && history.size() > 1) {  // "latest": the newest alone
            history.erase(history.begin(), history.end() - 1);
        }
        return s.compatibility.effective(req.subject, rules_.default_compatibility);
    });
    const auto check = check_history(*candidate, history, level);
    auto messages = check.messages;
    const auto note = check.notes.empty() ? std::nullopt : std::optional(check.notes.back());
    OrderedJson body;
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
