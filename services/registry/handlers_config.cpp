// Handlers for /config and /mode (global and per subject). PUT takes {"compatibility": X} and
// answers the same; GET and DELETE answer {"compatibilityLevel": X}, as Confluent does.
#include "registry/api_error.h"
#include "registry/json_limits.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace orderflow::registry {

using api_detail::is_default_context;
using api_detail::validate_subject;
using Json = nlohmann::json;

namespace {

std::string field_body(const std::string& field, const std::string& value) {
    Json body;
    body[field] = value;
    return body.dump();
}

Json parse_body(const std::string& text) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw errors::bad_request_shape("Request body is required");
    }
    try {
        auto json = parse_json<Json>(text, kMaxRequestJsonDepth);
        if (!json.is_object()) {
            throw errors::bad_request_shape("Request body must be a JSON object");
        }
        return json;
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for 1e400
        throw errors::bad_json(e.what());
    } catch (const JsonTooDeep& e) {
        throw errors::json_too_deep(e.what());
    }
}

std::optional<std::string> scope(const std::string& subject) {
    return is_default_context(subject) ? std::nullopt : std::optional<std::string>(subject);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

}  // namespace

std::string RegistryApi::get_config(const ApiRequest& /*req*/) {
    return field_body("compatibilityLevel", store_.read([&](const StoreState& s) {
        return s.global_compatibility.value_or(options_.default_compatibility);
    }));
}

std::string RegistryApi::put_config_for(const std::optional<std::string>& subject,
                                        const ApiRequest& req) {
    if (subject) {
        validate_subject(*subject);
    }
    const auto body = parse_body(req.body);
    if (!body.contains("compatibility") || !body["compatibility"].is_string()) {
        throw errors::invalid_compatibility_level();
    }
    const auto level =
        avro::compatibility_level_from_string(body["compatibility"].get<std::string>());
    if (!level) {
        throw errors::invalid_compatibility_level();
    }
    const auto name = avro::to_string(*level);
    std::lock_guard write(write_mutex_);
    log_.sync();
    log_.append({{records::config_key(subject), records::config_value(subject, name)}});
    spdlog::info("compatibility of {} set to {}", subject.value_or("(global)"), name);
    return field_body("compatibility", name);
}

std::string RegistryApi::put_config(const ApiRequest& req) {
    return put_config_for(std::nullopt, req);
}

std::string RegistryApi::delete_config(const ApiRequest& /*req*/) {
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto previous = store_.read([&](const StoreState& s) {
        return s.global_compatibility.value_or(options_.default_compatibility);
    });
    log_.append({{records::config_key(std::nullopt), std::nullopt}});
    return field_body("compatibilityLevel", previous);
}

std::string RegistryApi::get_subject_config(const ApiRequest& req) {
    if (is_default_context(req.subject)) {
        return get_config(req);
    }
    const bool to_global = req.flag("defaultToGlobal");
    return field_body("compatibilityLevel", store_.read([&](const StoreState& s) {
        const auto it = s.subject_compatibility.find(req.subject);
        if (it != s.subject_compatibility.end()) {
            return it->second;
        }
        if (!to_global) {
            throw errors::subject_compatibility_not_configured(req.subject);
        }
        return s.global_compatibility.value_or(options_.default_compatibility);
    }));
}

std::string RegistryApi::put_subject_config(const ApiRequest& req) {
    return put_config_for(scope(req.subject), req);
}

std::string RegistryApi::delete_subject_config(const ApiRequest& req) {
    if (is_default_context(req.subject)) {
        return delete_config(req);
    }
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto previous = store_.read([&](const StoreState& s) {
        const auto it = s.subject_compatibility.find(req.subject);
        if (it == s.subject_compatibility.end()) {
            throw errors::subject_not_found(req.subject);
        }
        return it->second;
    });
    log_.append({{records::config_key(req.subject), std::nullopt}});
    return field_body("compatibilityLevel", previous);
}

std::string RegistryApi::get_mode(const ApiRequest& /*req*/) {
    return field_body("mode", store_.read([](const StoreState& s) {
        return s.global_mode.value_or("READWRITE");
    }));
}

std::string RegistryApi::put_mode_for(const std::optional<std::string>& subject,
                                      const ApiRequest& req) {
    if (subject) {
        validate_subject(*subject);
    }
    const auto body = parse_body(req.body);
    if (!body.contains("mode") || !body["mode"].is_string()) {
        throw errors::invalid_mode();
    }
    const auto mode = upper(body["mode"].get<std::string>());
    const bool valid = mode == "READWRITE" || mode == "READONLY" || mode == "READONLY_OVERRIDE" ||
                       mode == "IMPORT" || (mode == "FORWARD" && !subject);
    if (!valid) {
        throw errors::invalid_mode();
    }
    std::lock_guard write(write_mutex_);
    log_.sync();
    if (mode == "IMPORT" && !req.flag("force")) {
        const bool has_schemas = store_.read([&](const StoreState& s) {
            return subject ? s.subjects.count(*subject) != 0 : !s.subjects.empty();
        });
        if (has_schemas) {
            throw errors::operation_not_permitted(
                "Cannot import since found existing subjects (use force=true)");
        }
    }
    log_.append({{records::mode_key(subject), records::mode_value(subject, mode)}});
    spdlog::info("mode of {} set to {}", subject.value_or("(global)"), mode);
    return field_body("mode", mode);
}

std::string RegistryApi::put_mode(const ApiRequest& req) {
    return put_mode_for(std::nullopt, req);
}

std::string RegistryApi::delete_mode(const ApiRequest& /*req*/) {
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto previous =
        store_.read([](const StoreState& s) { return s.global_mode.value_or("READWRITE"); });
    log_.append({{records::mode_key(std::nullopt), std::nullopt}});
    return field_body("mode", previous);
}

std::string RegistryApi::get_subject_mode(const ApiRequest& req) {
    if (is_default_context(req.subject)) {
        return get_mode(req);
    }
    const bool to_global = req.flag("defaultToGlobal");
    return field_body("mode", store_.read([&](const StoreState& s) {
        const auto it = s.subject_mode.find(req.subject);
        if (it != s.subject_mode.end()) {
            return it->second;
        }
        if (!to_global) {
            throw errors::subject_mode_not_configured(req.subject);
        }
        return s.global_mode.value_or("READWRITE");
    }));
}

std::string RegistryApi::put_subject_mode(const ApiRequest& req) {
    return put_mode_for(scope(req.subject), req);
}

std::string RegistryApi::delete_subject_mode(const ApiRequest& req) {
    if (is_default_context(req.subject)) {
        return delete_mode(req);
    }
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto previous = store_.read([&](const StoreState& s) {
        const auto it = s.subject_mode.find(req.subject);
        if (it == s.subject_mode.end()) {
            throw errors::subject_not_found(req.subject);
        }
        return it->second;
    });
    log_.append({{records::mode_key(req.subject), std::nullopt}});
    return field_body("mode", previous);
}

}  // namespace orderflow::registry
