#include "registry/api_error.h"

#include <nlohmann/json.hpp>

namespace orderflow::registry {

std::string error_body(int code, const std::string& message) {
    nlohmann::ordered_json body;
    body["error_code"] = code;
    body["message"] = message;
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace errors {
namespace {
std::string q(const std::string& s) {
    return "'" + s + "'";
}
}  // namespace

ApiError not_found() {
    return {404, 404, "HTTP 404 Not Found"};
}
ApiError unauthorized() {
    return {401, 40101, "Unauthorized"};
}
ApiError forbidden() {
    return {403, 40301, "User is denied operation on this server."};
}
ApiError method_not_allowed() {
    return {405, 405, "HTTP 405 Method Not Allowed"};
}
ApiError not_acceptable() {
    return {406, 406, "HTTP 406 Not Acceptable"};
}
ApiError unsupported_media() {
    return {415, 415, "HTTP 415 Unsupported Media Type"};
}
ApiError payload_too_large() {
    return {413, 413, "HTTP 413 Payload Too Large"};
}
ApiError bad_json(const std::string& detail) {
    return {400, 400, "Unexpected character: " + detail};
}
ApiError json_too_deep(const std::string& detail) {
    return {400, 400, detail};
}
ApiError bad_request_shape(const std::string& detail) {
    return {422, 422, detail};
}

ApiError subject_not_found(const std::string& subject) {
    return {404, 40401, "Subject " + q(subject) + " not found."};
}
ApiError version_not_found(const std::string& version) {
    return {404, 40402, "Version " + version + " not found."};
}
ApiError schema_not_found() {
    return {404, 40403, "Schema not found"};
}
ApiError schema_id_not_found(long long id) {
    return {404, 40403, "Schema " + std::to_string(id) + " not found"};
}
ApiError subject_soft_deleted(const std::string& subject) {
    return {404, 40404,
            "Subject " + q(subject) + " was soft deleted.Set permanent=true to delete permanently"};
}
ApiError subject_not_soft_deleted(const std::string& subject) {
    return {404, 40405,
            "Subject " + q(subject) + " was not deleted first before being permanently deleted"};
}
ApiError version_soft_deleted(const std::string& subject, int version) {
    return {404, 40406,
            "Subject " + q(subject) + " Version " + std::to_string(version) +
                " was soft deleted.Set permanent=true to delete permanently"};
}
ApiError version_not_soft_deleted(const std::string& subject, int version) {
    return {404, 40407,
            "Subject " + q(subject) + " Version " + std::to_string(version) +
                " was not deleted first before being permanently deleted"};
}
ApiError subject_compatibility_not_configured(const std::string& subject) {
    return {404, 40408,
            "Subject " + q(subject) + " does not have subject-level compatibility configured"};
}
ApiError subject_mode_not_configured(const std::string& subject) {
    return {404, 40409, "Subject " + q(subject) + " does not have subject-level mode configured"};
}
ApiError incompatible(int code, const std::string& subject, const std::string& details) {
    return {409, code,
            "Schema being registered is incompatible with an earlier schema for subject \"" +
                subject + "\", details: " + details};
}
ApiError invalid_schema(const std::string& message) {
    return {422, 42201, message};
}
ApiError invalid_version(const std::string& version) {
    return {422, 42202,
            "The specified version " + q(version) +
                " is not a valid version id. Allowed values are between [1, 2^31-1] and the "
                "string \"latest\""};
}
ApiError invalid_compatibility_level() {
    return {422, 42203,
            "Invalid compatibility level. Valid values are none, backward, forward, full, "
            "backward_transitive, forward_transitive, and full_transitive"};
}
ApiError invalid_mode() {
    return {422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD."};
}
ApiError operation_not_permitted(const std::string& message) {
    return {422, 42205, message};
}
ApiError reference_exists(const std::string& subject, int version) {
    return {422, 42206,
            "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=" +
                subject + ",version=" + std::to_string(version) + "}."};
}
ApiError id_mismatch(const std::string& message) {
    return {422, 42207, message};
}
ApiError invalid_subject(const std::string& subject) {
    return {422, 42208, "The specified subject " + q(subject) + " is not a valid."};
}
ApiError store_error(const std::string& detail) {
    return {500, 50001, "Error while writing to the Kafka store: " + detail};
}
ApiError operation_timeout(const std::string& detail) {
    return {500, 50002, detail};
}
ApiError forwarding_failed(const std::string& detail) {
    return {500, 50003, "Error while forwarding the request to the leader: " + detail};
}
ApiError unknown_leader() {
    return {500, 50004, "Leader not known."};
}
ApiError not_leader(const std::string& detail) {
    return {500, 50004, "Not the leader: " + detail};
}
ApiError internal(const std::string& detail) {
    return {500, 500, detail};
}

}  // namespace errors
}  // namespace orderflow::registry
