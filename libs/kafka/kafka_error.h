#pragma once

#include <librdkafka/rdkafka.h>

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
