#pragma once

// Every error the registry answers with: an HTTP status plus Confluent's error_code and message.
// The factories below are the one place that knows the codes and their message texts.

#include <stdexcept>
#include <string>

namespace orderflow::registry {

/** An API error: `{"error_code": code, "message": message}` with HTTP `status`. */
class ApiError : public std::runtime_error {
public:
    ApiError(int status, int code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(code) {}
    int status() const { return status_; }
    int code() const { return code_; }

private:
    int status_;
    int code_;
};

/// The JSON error body for `error`.
std::string error_body(int code, const std::string& message);

namespace errors {

ApiError not_found();           // 404/404 "HTTP 404 Not Found" (unknown route, bad id)
ApiError unauthorized();        // 401/40101 (no or wrong credentials)
ApiError forbidden();           // 403/40301 (a reader writing)
ApiError method_not_allowed();  // 405/405
ApiError not_acceptable();      // 406/406
ApiError unsupported_media();   // 415/415
ApiError payload_too_large();   // 413/413
ApiError bad_json(const std::string& detail);                                             // 400/400
ApiError json_too_deep(const std::string& detail);                                        // 400/400
ApiError bad_request_shape(const std::string& detail);                                    // 422/422
ApiError subject_not_found(const std::string& subject);                                   // 40401
ApiError version_not_found(const std::string& version);                                   // 40402
ApiError schema_not_found();                                                              // 40403
ApiError schema_id_not_found(long long id);                                               // 40403
ApiError subject_soft_deleted(const std::string& subject);                                // 40404
ApiError subject_not_soft_deleted(const std::string& subject);                            // 40405
ApiError version_soft_deleted(const std::string& subject, int version);                   // 40406
ApiError version_not_soft_deleted(const std::string& subject, int version);               // 40407
ApiError subject_compatibility_not_configured(const std::string& subject);                // 40408
ApiError subject_mode_not_configured(const std::string& subject);                         // 40409
ApiError incompatible(int code, const std::string& subject, const std::string& details);  // 409
ApiError invalid_schema(const std::string& message);                                      // 42201
ApiError invalid_version(const std::string& version);                                     // 42202
ApiError invalid_compatibility_level();                                                   // 42203
ApiError invalid_mode();                                                                  // 42204
ApiError operation_not_permitted(const std::string& message);                             // 42205
ApiError reference_exists(const std::string& subject, int version);                       // 42206
ApiError id_mismatch(const std::string& message);                                         // 42207
ApiError invalid_subject(const std::string& subject);                                     // 42208
ApiError store_error(const std::string& detail);                                          // 50001
ApiError operation_timeout(const std::string& detail);                                    // 50002
ApiError forwarding_failed(const std::string& detail);                                    // 50003
ApiError unknown_leader();                                                                // 50004
ApiError not_leader(const std::string& detail);                                           // 50004
ApiError internal(const std::string& detail);                                             // 500/500

}  // namespace errors
}  // namespace orderflow::registry
