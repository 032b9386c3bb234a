#pragma once

// The client the producer and consumers use to talk to a Confluent-compatible schema registry
// (ours or Confluent's). Caches so no HTTP call is made per message.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::registry_client {

/** A registry answer that is not a success: HTTP status plus Confluent's error_code/message. */
class RegistryError : public std::runtime_error {
public:
    RegistryError(int http_status, int error_code, const std::string& message)
        : std::runtime_error(message), http_status_(http_status), error_code_(error_code) {}
    int http_status() const { return http_status_; }
    /// 40401, 40901, 42201, ...; 0 when the registry could not be reached at all.
    int error_code() const { return error_code_; }

private:
    int http_status_;
    int error_code_;
};

/**
 * Thread-safe. Errors: RegistryError (unreachable: http_status 0, error_code 0, message naming
 * the URL and SCHEMA_REGISTRY_URL).
 */
class RegistryClient {
public:
    /// `timeout` bounds each HTTP call; `write_retry` bounds the retries of register_schema.
    /// `basic_auth_user_info` ("user:password", Confluent's basic.auth.user.info) is sent as
    /// `Authorization: Basic` on every call; "" sends none.
    explicit RegistryClient(std::string base_url,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10),
                            std::chrono::milliseconds write_retry = std::chrono::seconds(60),
                            std::string basic_auth_user_info = {});

    /**
     * POST /subjects/{subject}/versions. Returns the schema id; cached per (subject, schema).
     * An answer that may be transient (no answer, 408, 429, 5xx: the registry's Kafka store is
     * failing over, its leader is changing) is retried with backoff for up to `write_retry`
     * (registering the same schema again is harmless: it returns the same id); the error after
     * the last try names how long it tried.
     */
    int register_schema(const std::string& subject,
                        const std::string& schema,
                        const std::string& schema_type = "AVRO");

    /// POST /subjects/{subject}: the id if this schema is registered under the subject.
    std::optional<int> lookup(const std::string& subject, const std::string& schema);

    /// GET /schemas/ids/{id}: the schema text. Cached forever: ids are immutable.
    std::string schema_by_id(int id);

    // Reads for tools that look at the registry (the console). Not cached: subjects change.

    /// GET /subjects.
    std::vector<std::string> subjects();
    /// GET /subjects/{subject}/versions. RegistryError 404/40401 for an unknown subject.
    std::vector<int> versions(const std::string& subject);

    struct SubjectVersion {
        std::string subject;
        int version = 0;
        int id = 0;
        std::string schema;
    };
    /// GET /subjects/{subject}/versions/{version}; `version` may be "latest".
    SubjectVersion version(const std::string& subject, const std::string& version);
    /// GET /config/{subject}?defaultToGlobal=true: the compatibility level that applies.
    std::string compatibility(const std::string& subject);
    /// GET /schemas/ids/{id}/versions: every (subject, version) holding the id.
    std::vector<std::pair<std::string, int>> subject_versions_of(int id);

    const std::string& base_url() const { return base_url_; }

private:
    std::string base_url_;
    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds write_retry_;
    std::string user_info_;
    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, int> ids_by_subject_schema_;
    std::map<int, std::string> schemas_by_id_;
};

}  // namespace orderflow::registry_client
