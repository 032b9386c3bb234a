#include "registry/registry_api.h"

#include "common/text.h"
#include "registry/api_error.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace orderflow::registry {

std::optional<std::string> ApiRequest::param(const std::string& name) const {
    const auto it = params.find(name);
    if (it == params.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool ApiRequest::flag(const std::string& name) const {
    const auto value = param(name);
    return value && common::lower(*value) == "true";
}

RegistryApi::RegistryApi(SchemaStore& store, RecordLog& log, RegistryOptions options)
    : store_(store), log_(log), rules_(rules_of(options)), write_mutex_(log.write_timeout()) {}

void RegistryApi::check_writable(const std::string& subject) const {
    const auto mode = store_.read(
        [&](const StoreState& s) { return s.mode.effective(subject, Mode::kReadWrite); });
    if (is_read_only(mode)) {
        throw errors::operation_not_permitted("Subject " + subject +
                                              " in context . is in read-only mode");
    }
}

std::string RegistryApi::get_root(const ApiRequest& /*req*/) {
    return "{}";
}

std::string RegistryApi::get_contexts(const ApiRequest& /*req*/) {
    return R"(["."])";
}

std::string RegistryApi::get_associations(const ApiRequest& /*req*/) {
    return "[]";
}

std::string RegistryApi::get_metadata_id(const ApiRequest& /*req*/) {
    return R"({"scope":{"path":[],"clusters":{"schema-registry-cluster":"orderflow"}},"id":""})";
}

std::string RegistryApi::get_metadata_version(const ApiRequest& /*req*/) {
    return R"({"version":"orderflow","commitId":""})";
}

namespace api_detail {

std::optional<int> parse_version(const std::string& text) {
    const auto trimmed = common::trim(text, " ");
    const auto word = common::lower(trimmed);
    if (word == "latest" || word == "-1") {
        return std::nullopt;
    }
    long long value = 0;
    const auto* end = trimmed.data() + trimmed.size();
    const auto [rest, ec] = std::from_chars(trimmed.data(), end, value);
    if (trimmed.empty() || ec != std::errc{} || rest != end || value < 1 || value > 2147483647LL) {
        throw errors::invalid_version(text);
    }
    return static_cast<int>(value);
}

namespace {
bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        if (c < 0x80) {
            extra = 0;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            extra = 3;
        } else {
            return false;
        }
        for (int k = 1; k <= extra; ++k) {
            if (i + static_cast<std::size_t>(k) >= s.size() ||
                (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}
}  // namespace

void validate_subject(const std::string& subject) {
    if (subject.empty() || !valid_utf8(subject)) {
        throw errors::invalid_subject(subject);
    }
    for (const char c : subject) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            throw errors::invalid_subject(subject);
        }
    }
}

bool is_default_context(const std::string& subject) {
    return subject == ":.:";
}

std::string dump(const nlohmann::json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string schema_json(const std::string& subject,
                        int version,
                        int id,
                        const StoredSchema& schema) {
    nlohmann::ordered_json body;
    body["subject"] = subject;
    body["version"] = version;
    body["id"] = id;
    add_schema_fields(body, schema);
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace api_detail
}  // namespace orderflow::registry
