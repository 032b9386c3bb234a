#include "registry_client/registry_client.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace orderflow::registry_client {
namespace {

constexpr const char* kContentType = "application/vnd.schemaregistry.v1+json";

struct Endpoint {
    std::string origin;  // http://host:port
    std::string prefix;  // "" or "/path"
};

Endpoint split_url(const std::string& base_url) {
    constexpr std::string_view scheme = "http://";
    const auto start = base_url.starts_with(scheme) ? scheme.size() : 0;
    const auto slash = base_url.find('/', start);
    Endpoint endpoint{base_url.substr(0, slash), ""};
    if (slash != std::string::npos) {
        endpoint.prefix = base_url.substr(slash);
        while (!endpoint.prefix.empty() && endpoint.prefix.back() == '/') {
            endpoint.prefix.pop_back();
        }
    }
    return endpoint;
}

// Subjects go in one path segment: everything but unreserved characters is percent-encoded.
std::string encode_segment(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0x0F];
        }
    }
    return out;
}

// Where and how each call goes.
struct Target {
    const std::string& base_url;
    std::chrono::milliseconds timeout;
    const std::string& user_info;  // "user:password" for basic auth, "" for none
};

struct Answer {
    int status = 0;
    std::string body;
};

Answer call(const Target& to,
            const std::string& method,
            const std::string& path,
            const std::string& body = "") {
    const auto& base_url = to.base_url;
    const auto endpoint = split_url(base_url);
    httplib::Client client(endpoint.origin);
    client.set_connection_timeout(to.timeout);
    client.set_read_timeout(to.timeout);
    client.set_write_timeout(to.timeout);
    if (const auto colon = to.user_info.find(':'); colon != std::string::npos) {
        client.set_basic_auth(to.user_info.substr(0, colon), to.user_info.substr(colon + 1));
    }
    const httplib::Headers headers = {{"Accept", kContentType}};
    const auto target = endpoint.prefix + path;
    auto result = method == "POST" ? client.Post(target.c_str(), headers, body, kContentType)
                                   : client.Get(target.c_str(), headers);
    if (!result) {
        throw RegistryError(0, 0,
                            "cannot reach the schema registry at " + base_url +
                                " (SCHEMA_REGISTRY_URL): " + httplib::to_string(result.error()));
    }
    return {result->status, result->body};
}

[[noreturn]] void throw_error(const std::string& base_url, const Answer& answer) {
    int code = -1;
    std::string message = answer.body;
    try {
        const auto json = nlohmann::json::parse(answer.body);
        code = json.at("error_code").get<int>();
        message = json.at("message").get<std::string>();
    } catch (const nlohmann::json::exception&) {
        // not Confluent's error shape: keep the raw body
    }
    // A 401 says which setting carries the credentials.
    const auto hint = answer.status == 401 ? " (check SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO)" : "";
    throw RegistryError(answer.status, code,
                        "schema registry " + base_url + " answered HTTP " +
                            std::to_string(answer.status) + " (" + std::to_string(code) +
                            "): " + message + hint);
}

nlohmann::json parse_success(const std::string& base_url, const Answer& answer) {
    try {
        return nlohmann::json::parse(answer.body);
    } catch (const nlohmann::json::exception& e) {
        throw RegistryError(
            answer.status, -1,
            "schema registry " + base_url + " sent a body that is not JSON: " + e.what());
    }
}

int id_of(const std::string& base_url, const Answer& answer) {
    const auto json = parse_success(base_url, answer);
    if (!json.is_object() || !json.contains("id") || !json["id"].is_number_integer()) {
        throw RegistryError(
            answer.status, -1,
            "schema registry " + base_url + " answered without an id: " + answer.body);
    }
    return json["id"].get<int>();
}

std::string schema_request(const std::string& schema, const std::string& schema_type) {
    nlohmann::json body;
    body["schema"] = schema;
    body["schemaType"] = schema_type;
    return body.dump();
}

/// The error body with "(after N attempts over M ms)" added to its message.
std::string annotate(const std::string& body, int attempts, std::chrono::milliseconds waited) {
    const auto note = " (after " + std::to_string(attempts) + " attempts over " +
                      std::to_string(waited.count()) + " ms)";
    try {
        auto json = nlohmann::json::parse(body);
        json["message"] = json.value("message", "") + note;
        return json.dump();
    } catch (const nlohmann::json::exception&) {
        return body + note;
    }
}

/// An answer a retry may change: none at all, 408, 429 or any 5xx.
bool transient(int status) {
    return status == 0 || status == 408 || status == 429 || status >= 500;
}

}  // namespace

RegistryClient::RegistryClient(std::string base_url,
                               std::chrono::milliseconds timeout,
                               std::chrono::milliseconds write_retry,
                               std::string basic_auth_user_info)
    : base_url_(std::move(base_url)),
      timeout_(timeout),
      write_retry_(write_retry),
      user_info_(std::move(basic_auth_user_info)) {
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

int RegistryClient::register_schema(const std::string& subject,
                                    const std::string& schema,
                                    const std::string& schema_type) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = ids_by_subject_schema_.find({subject, schema});
            it != ids_by_subject_schema_.end()) {
            return it->second;
        }
    }
    const auto path = "/subjects/" + encode_segment(subject) + "/versions";
    const auto body = schema_request(schema, schema_type);
    const auto started = std::chrono::steady_clock::now();
    auto backoff = std::chrono::milliseconds(250);
    Answer answer;
    for (int attempt = 1;; ++attempt) {
        try {
            answer = call({base_url_, timeout_, user_info_}, "POST", path, body);
        } catch (const RegistryError& e) {
            answer = {0, e.what()};
        }
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        if (answer.status == 200 || !transient(answer.status) || waited + backoff > write_retry_) {
            if (answer.status == 0) {
                throw RegistryError(0, 0,
                                    answer.body + " (" + std::to_string(attempt) +
                                        " attempt(s) over " + std::to_string(waited.count()) +
                                        " ms)");
            }
            if (answer.status != 200 && attempt > 1) {
                answer.body = annotate(answer.body, attempt, waited);
            }
            break;
        }
        // One line per retry: a registry that is away can hold a start-up for write_retry.
        spdlog::warn(
            "schema registry {}: registering under {} got {} (attempt {}, {} ms so far); "
            "retrying in {} ms",
            base_url_, subject,
            answer.status == 0 ? answer.body : "HTTP " + std::to_string(answer.status), attempt,
            waited.count(), backoff.count());
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
    if (answer.status != 200) {
        throw_error(base_url_, answer);
    }
    const int id = id_of(base_url_, answer);
    std::lock_guard lock(mutex_);
    ids_by_subject_schema_[{subject, schema}] = id;
    return id;
}

std::optional<int> RegistryClient::lookup(const std::string& subject, const std::string& schema) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = ids_by_subject_schema_.find({subject, schema});
            it != ids_by_subject_schema_.end()) {
            return it->second;
        }
    }
    const auto answer =
        call({base_url_, timeout_, user_info_}, "POST", "/subjects/" + encode_segment(subject),
             schema_request(schema, "AVRO"));
    if (answer.status == 404) {
        int code = 0;
        try {
            code = nlohmann::json::parse(answer.body).at("error_code").get<int>();
        } catch (const nlohmann::json::exception&) {
            code = 0;
        }
        if (code == 40401 || code == 40403) {
            return std::nullopt;
        }
    }
    if (answer.status != 200) {
        throw_error(base_url_, answer);
    }
    const int id = id_of(base_url_, answer);
    std::lock_guard lock(mutex_);
    ids_by_subject_schema_[{subject, schema}] = id;
    return id;
}

std::string RegistryClient::schema_by_id(int id) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = schemas_by_id_.find(id); it != schemas_by_id_.end()) {
            return it->second;
        }
    }
    const auto answer =
        call({base_url_, timeout_, user_info_}, "GET", "/schemas/ids/" + std::to_string(id));
    if (answer.status != 200) {
        throw_error(base_url_, answer);
    }
    const auto json = parse_success(base_url_, answer);
    if (!json.is_object() || !json.contains("schema") || !json["schema"].is_string()) {
        throw RegistryError(
            answer.status, -1,
            "schema registry " + base_url_ + " answered without a schema: " + answer.body);
    }
    auto schema = json["schema"].get<std::string>();
    std::lock_guard lock(mutex_);
    schemas_by_id_[id] = schema;
    return schema;
}

namespace {

nlohmann::json get_json(const Target& to, const std::string& path) {
    const auto answer = call(to, "GET", path);
    if (answer.status != 200) {
        throw_error(to.base_url, answer);
    }
    return parse_success(to.base_url, answer);
}

[[noreturn]] void throw_shape(const std::string& base_url, const std::string& what) {
    throw RegistryError(200, -1, "schema registry " + base_url + " answered " + what);
}

}  // namespace

std::vector<std::string> RegistryClient::subjects() {
    const auto json = get_json({base_url_, timeout_, user_info_}, "/subjects");
    try {
        return json.get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
        throw_shape(base_url_, "a subject list that is not an array of strings");
    }
}

std::vector<int> RegistryClient::versions(const std::string& subject) {
    const auto json = get_json({base_url_, timeout_, user_info_},
                               "/subjects/" + encode_segment(subject) + "/versions");
    try {
        return json.get<std::vector<int>>();
    } catch (const nlohmann::json::exception&) {
        throw_shape(base_url_, "a version list that is not an array of numbers");
    }
}

RegistryClient::SubjectVersion RegistryClient::version(const std::string& subject,
                                                       const std::string& version) {
    const auto json =
        get_json({base_url_, timeout_, user_info_},
                 "/subjects/" + encode_segment(subject) + "/versions/" + encode_segment(version));
    try {
        return {json.at("subject").get<std::string>(), json.at("version").get<int>(),
                json.at("id").get<int>(), json.at("schema").get<std::string>()};
    } catch (const nlohmann::json::exception&) {
        throw_shape(base_url_, "a version without subject, version, id and schema");
    }
}

std::string RegistryClient::compatibility(const std::string& subject) {
    const auto json = get_json({base_url_, timeout_, user_info_},
                               "/config/" + encode_segment(subject) + "?defaultToGlobal=true");
    if (!json.is_object() || !json.contains("compatibilityLevel") ||
        !json["compatibilityLevel"].is_string()) {
        throw_shape(base_url_, "a config without compatibilityLevel");
    }
    return json["compatibilityLevel"].get<std::string>();
}

std::vector<std::pair<std::string, int>> RegistryClient::subject_versions_of(int id) {
    const auto json = get_json({base_url_, timeout_, user_info_},
                               "/schemas/ids/" + std::to_string(id) + "/versions");
    std::vector<std::pair<std::string, int>> found;
    try {
        for (const auto& entry : json) {
            found.emplace_back(entry.at("subject").get<std::string>(),
                               entry.at("version").get<int>());
        }
    } catch (const nlohmann::json::exception&) {
        throw_shape(base_url_, "id versions that are not {subject, version} objects");
    }
    return found;
}

}  // namespace orderflow::registry_client
