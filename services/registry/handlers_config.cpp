// Handlers for /config and /mode (global and per subject), one generic handler per method over
// the store's subject-scoped settings. PUT takes {"compatibility": X} and answers the same;
// GET and DELETE answer {"compatibilityLevel": X}, as Confluent does.
#include "registry/api_error.h"
#include "registry/json_limits.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <type_traits>

namespace orderflow::registry {

using api_detail::is_default_context;
using api_detail::validate_subject;
using Json = nlohmann::json;

/// What differs between /config and /mode.
template <class T>
struct SettingRoute {
    const char* name;       // in log lines
    const char* field;      // of GET and DELETE answers
    const char* put_field;  // of PUT requests and answers
    SubjectSetting<T> StoreState::*setting;
    /// The value when neither the subject nor the global scope sets one.
    T (*fallback)(const RegistryRules& rules);
    std::optional<T> (*parse)(std::string_view);
    std::string (*key)(const std::optional<std::string>& subject);
    std::string (*value)(const std::optional<std::string>& subject, const std::string& text);
    ApiError (*invalid)();
    ApiError (*not_configured)(const std::string& subject);
    /// Whether the value may be set for `subject` (nullopt: the global scope).
    bool (*allowed)(T value, const std::optional<std::string>& subject);
};

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

const SettingRoute<CompatibilityLevel> kConfig{
    "compatibility",
    "compatibilityLevel",
    "compatibility",
    &StoreState::compatibility,
    [](const RegistryRules& rules) { return rules.default_compatibility; },
    parse_compatibility_level,
    records::config_key,
    records::config_value,
    errors::invalid_compatibility_level,
    errors::subject_compatibility_not_configured,
    [](CompatibilityLevel, const std::optional<std::string>&) { return true; },
};

const SettingRoute<Mode> kMode{
    "mode",
    "mode",
    "mode",
    &StoreState::mode,
    [](const RegistryRules& /*rules*/) { return Mode::kReadWrite; },
    parse_mode,
    records::mode_key,
    records::mode_value,
    errors::invalid_mode,
    errors::subject_mode_not_configured,
    [](Mode mode, const std::optional<std::string>& subject) {
        return mode != Mode::kForward || !subject;
    },
};

}  // namespace

template <class T>
std::string RegistryApi::get_setting(const SettingRoute<T>& route,
                                     const std::optional<std::string>& subject,
                                     const ApiRequest& req) {
    const bool to_global = req.flag("defaultToGlobal");
    const auto value = store_.read([&](const StoreState& s) {
        const auto& setting = s.*route.setting;
        const auto fallback = setting.global().value_or(route.fallback(rules_));
        if (!subject) {
            return fallback;
        }
        const auto own = setting.of(*subject);
        if (!own && !to_global) {
            throw route.not_configured(*subject);
        }
        return own.value_or(fallback);
    });
    return field_body(route.field, to_string(value));
}

template <class T>
std::string RegistryApi::put_setting(const SettingRoute<T>& route,
                                     const std::optional<std::string>& subject,
                                     const ApiRequest& req) {
    if (subject) {
        validate_subject(*subject);
    }
    const auto body = parse_body(req.body);
    if (!body.contains(route.put_field) || !body[route.put_field].is_string()) {
        throw route.invalid();
    }
    const auto value = route.parse(body[route.put_field].template get<std::string>());
    if (!value || !route.allowed(*value, subject)) {
        throw route.invalid();
    }
    const auto text = to_string(*value);
    std::lock_guard write(write_mutex_);
    log_.sync();
    if constexpr (std::is_same_v<T, Mode>) {
        if (*value == Mode::kImport && !req.flag("force")) {
            const bool has_schemas = store_.read([&](const StoreState& s) {
                return subject ? s.subjects.count(*subject) != 0 : !s.subjects.empty();
            });
            if (has_schemas) {
                throw errors::operation_not_permitted(
                    "Cannot import since found existing subjects (use force=true)");
            }
        }
    }
    log_.append({{route.key(subject), route.value(subject, text)}});
    spdlog::info("{} of {} set to {}", route.name, subject.value_or("(global)"), text);
    return field_body(route.put_field, text);
}

template <class T>
std::string RegistryApi::delete_setting(const SettingRoute<T>& route,
                                        const std::optional<std::string>& subject) {
    std::lock_guard write(write_mutex_);
    log_.sync();
    const auto previous = store_.read([&](const StoreState& s) {
        const auto& setting = s.*route.setting;
        if (!subject) {
            return setting.global().value_or(route.fallback(rules_));
        }
        const auto own = setting.of(*subject);
        if (!own) {
            throw errors::subject_not_found(*subject);
        }
        return *own;
    });
    log_.append({{route.key(subject), std::nullopt}});
    return field_body(route.field, to_string(previous));
}

std::string RegistryApi::get_config(const ApiRequest& req) {
    return get_setting(kConfig, std::nullopt, req);
}

std::string RegistryApi::put_config(const ApiRequest& req) {
    return put_setting(kConfig, std::nullopt, req);
}

std::string RegistryApi::delete_config(const ApiRequest& /*req*/) {
    return delete_setting(kConfig, std::nullopt);
}

std::string RegistryApi::get_subject_config(const ApiRequest& req) {
    return get_setting(kConfig, scope(req.subject), req);
}

std::string RegistryApi::put_subject_config(const ApiRequest& req) {
    return put_setting(kConfig, scope(req.subject), req);
}

std::string RegistryApi::delete_subject_config(const ApiRequest& req) {
    return delete_setting(kConfig, scope(req.subject));
}

std::string RegistryApi::get_mode(const ApiRequest& req) {
    return get_setting(kMode, std::nullopt, req);
}

std::string RegistryApi::put_mode(const ApiRequest& req) {
    return put_setting(kMode, std::nullopt, req);
}

std::string RegistryApi::delete_mode(const ApiRequest& /*req*/) {
    return delete_setting(kMode, std::nullopt);
}

std::string RegistryApi::get_subject_mode(const ApiRequest& req) {
    return get_setting(kMode, scope(req.subject), req);
}

std::string RegistryApi::put_subject_mode(const ApiRequest& req) {
    return put_setting(kMode, scope(req.subject), req);
}

std::string RegistryApi::delete_subject_mode(const ApiRequest& req) {
    return delete_setting(kMode, scope(req.subject));
}

}  // namespace orderflow::registry
