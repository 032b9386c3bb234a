#include "kafka/kafka_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace orderflow::kafka {
namespace {

// Codes that say "not now" rather than "not this": the cluster moves leaders, coordinators and
// connections around, and librdkafka or the caller may try again.
constexpr std::array kRetriable = {
    RD_KAFKA_RESP_ERR__TRANSPORT,
    RD_KAFKA_RESP_ERR__TIMED_OUT,
    RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
    RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
    RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
    RD_KAFKA_RESP_ERR__RESOLVE,
    RD_KAFKA_RESP_ERR__QUEUE_FULL,
    RD_KAFKA_RESP_ERR__WAIT_COORD,
    RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
    RD_KAFKA_RESP_ERR__NODE_UPDATE,
    RD_KAFKA_RESP_ERR__RETRY,
    RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
    RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
    RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
    RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
    RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR,
    RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND,
    RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE,
    RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE,
    RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT,
    RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED,
    RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS,
};

// An idempotent or transactional producer that sees these has lost its guarantees; librdkafka
// raises them as a fatal error on the instance.
constexpr std::array kFatal = {
    RD_KAFKA_RESP_ERR__FATAL,
    RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
    RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH,
    RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
};

// Denied by an ACL, or the login itself refused.
constexpr std::array kAuthorization = {
    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
    RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
    RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED,
    RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_AUTHORIZATION_FAILED,
};
constexpr std::array kAuthentication = {
    RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED,
    RD_KAFKA_RESP_ERR__AUTHENTICATION,
};

// Written once at start, read by any thread that builds an error.
std::mutex principal_mutex;
std::string error_principal;

template <std::size_t N>
bool contains(const std::array<rd_kafka_resp_err_t, N>& codes, rd_kafka_resp_err_t code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

ErrorKind kind_of(const rd_kafka_error_t* error) {
    if (rd_kafka_error_is_fatal(error) != 0) {
        return ErrorKind::kFatal;
    }
    return rd_kafka_error_is_retriable(error) != 0 ? ErrorKind::kRetriable : ErrorKind::kPermanent;
}

}  // namespace

ErrorKind classify(rd_kafka_resp_err_t code) {
    if (contains(kFatal, code)) {
        return ErrorKind::kFatal;
    }
    return contains(kRetriable, code) ? ErrorKind::kRetriable : ErrorKind::kPermanent;
}

bool is_authorization_failure(rd_kafka_resp_err_t code) {
    return contains(kAuthorization, code) || contains(kAuthentication, code);
}

void set_error_principal(const std::string& principal) {
    const std::lock_guard lock(principal_mutex);
    error_principal = principal;
}

std::string not_authorized(rd_kafka_resp_err_t code) {
    if (!is_authorization_failure(code)) {
        return "";
    }
    std::string principal;
    {
        const std::lock_guard lock(principal_mutex);
        principal = error_principal;
    }
    const auto who = principal.empty() ? std::string("no SASL user (anonymous)")
                                       : "principal '" + principal + "'";
    return contains(kAuthentication, code) ? "not authorized: " + who + " was refused at login"
                                           : "not authorized as " + who;
}

namespace {

std::string with_note(std::string message, rd_kafka_resp_err_t code) {
    const auto note = not_authorized(code);
    return note.empty() ? message : message + " (" + note + ")";
}

}  // namespace

std::optional<std::string> log_client_error(rd_kafka_t* handle, int code, const char* reason) {
    const auto error = static_cast<rd_kafka_resp_err_t>(code);
    if (error != RD_KAFKA_RESP_ERR__FATAL) {
        if (is_authorization_failure(error)) {
            spdlog::error("kafka: {} ({})", reason, not_authorized(error));
        } else {
            spdlog::warn("kafka: {}", reason);
        }
        return std::nullopt;
    }
    std::array<char, 512> text{};
    const auto fatal = rd_kafka_fatal_error(handle, text.data(), text.size());
    // A principal without WRITE anywhere gets no producer id: that refusal is fatal.
    const auto note = is_authorization_failure(fatal) ? " (" + not_authorized(fatal) + ")" : "";
    return std::string(rd_kafka_err2name(fatal)) + ": " + text.data() + note;
}

KafkaError::KafkaError(rd_kafka_resp_err_t code, const std::string& message)
    : std::runtime_error(with_note(message, code)), code_(code), kind_(classify(code)) {}

KafkaError::KafkaError(const rd_kafka_error_t* error, const std::string& context)
    : std::runtime_error(
          with_note(context + ": " + rd_kafka_error_string(error), rd_kafka_error_code(error))),
      code_(rd_kafka_error_code(error)),
      kind_(kind_of(error)) {}

std::string describe(rd_kafka_resp_err_t code) {
    return std::string(rd_kafka_err2str(code)) + " (" + rd_kafka_err2name(code) + ")";
}

}  // namespace orderflow::kafka
