#pragma once

#include <librdkafka/rdkafka.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace orderflow::kafka {

/// What a caller can do about a failed Kafka operation.
enum class ErrorKind {
    kRetriable,  ///< a broker, leader or coordinator is away for now: the same call may succeed
    kPermanent,  ///< this request cannot succeed as it is (bad input, no such topic, denied)
    kFatal,      ///< the client instance is unusable: only a new one can go on
};

/// The kind of an error code where librdkafka gives no rd_kafka_error_t to ask.
ErrorKind classify(rd_kafka_resp_err_t code);

/// Whether `code` says the cluster refused who we are (SASL) or what we asked (an ACL).
bool is_authorization_failure(rd_kafka_resp_err_t code);

/// Remembers the SASL user this process's clients log in as ("" for none), so a refusal can
/// name it. Set once the settings are read; never a password.
void set_error_principal(const std::string& principal);

/// For an authorization failure: "not authorized as principal 'producer'" (or, for a refused
/// login, "not authorized: principal 'producer' was refused at login"); "" for other codes.
std::string not_authorized(rd_kafka_resp_err_t code);

/**
 * What a client's error callback got, handled as every producer handles it: an authorization
 * failure is logged as an error naming the principal, another error as a warning. For
 * ERR__FATAL nothing is logged and the fatal error is returned as "<NAME>: <text>" (with the
 * not_authorized() note when it is one); nullopt otherwise.
 */
std::optional<std::string> log_client_error(rd_kafka_t* handle, int code, const char* reason);

/**
 * A Kafka operation that failed; carries librdkafka's error code and a message for people. An
 * authorization failure's message ends with not_authorized(code).
 */
class KafkaError : public std::runtime_error {
public:
    /// The kind comes from classify(code).
    KafkaError(rd_kafka_resp_err_t code, const std::string& message);
    /// The kind comes from librdkafka's own verdict on `error` (which stays the caller's);
    /// the message is `context: <librdkafka's text>`.
    KafkaError(const rd_kafka_error_t* error, const std::string& context);

    rd_kafka_resp_err_t code() const { return code_; }
    ErrorKind kind() const { return kind_; }
    bool fatal() const { return kind_ == ErrorKind::kFatal; }
    bool retriable() const { return kind_ == ErrorKind::kRetriable; }

private:
    rd_kafka_resp_err_t code_;
    ErrorKind kind_;
};

/// "Broker: Topic already exists (TOPIC_ALREADY_EXISTS)".
std::string describe(rd_kafka_resp_err_t code);

}  // namespace orderflow::kafka
