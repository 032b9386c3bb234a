#include "gateway/idempotency.h"

#include "gateway/order_request.h"
#include "gateway/sha256.h"
#include "orders/validation.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>

namespace orderflow::gateway {
namespace {

constexpr const char* kKeyField = "Idempotency-Key";

}  // namespace

void check_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) {
        throw RequestError(
            400, "invalid_value", kKeyField,
            "Idempotency-Key must be 1-" + std::to_string(kMaxIdempotencyKeyBytes) + " characters");
    }
    for (const char c : key) {
        if (c < 0x20 || c > 0x7e) {
            throw RequestError(400, "invalid_value", kKeyField,
                               "Idempotency-Key may hold printable ASCII characters only");
        }
    }
}

std::string idempotency_redis_key(std::string_view client, std::string_view key) {
    std::string redis_key = "idempotency:";
    if (!client.empty()) {
        redis_key.append(client).append(":");
    }
    return redis_key + sha256_hex(key);
}

std::string order_fingerprint(const orders::Order& order) {
    orders::Order asked = order;
    asked.order_id.clear();
    asked.created_at_ms = 0;
    asked.status = orders::kDefaultStatus;
    return sha256_hex(orders::to_json(asked));
}

std::string encode_record(const IdempotencyRecord& record) {
    const nlohmann::ordered_json json = {{"fingerprint", record.fingerprint},
                                         {"order_id", record.order_id},
                                         {"created_at_ms", record.created_at_ms},
                                         {"acknowledged", record.acknowledged}};
    return json.dump();
}

std::optional<IdempotencyRecord> parse_record(std::string_view text) {
    if (text.size() > kMaxIdempotencyRecordBytes) {
        return std::nullopt;
    }
    // Flat: a record nests nothing, so anything deeper is refused while parsing.
    const auto flat = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        return depth <= 1;
    };
    const auto json = nlohmann::json::parse(text, flat, /*allow_exceptions=*/false);
    if (!json.is_object()) {
        return std::nullopt;
    }
    const auto fingerprint = json.find("fingerprint");
    const auto order_id = json.find("order_id");
    const auto created_at = json.find("created_at_ms");
    const auto acknowledged = json.find("acknowledged");
    if (fingerprint == json.end() || !fingerprint->is_string() || order_id == json.end() ||
        !order_id->is_string() || created_at == json.end() || !created_at->is_number_integer() ||
        acknowledged == json.end() || !acknowledged->is_boolean()) {
        return std::nullopt;
    }
    IdempotencyRecord record;
    record.fingerprint = fingerprint->get<std::string>();
    record.order_id = order_id->get<std::string>();
    record.acknowledged = acknowledged->get<bool>();
    if (created_at->is_number_unsigned() &&
        created_at->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    record.created_at_ms = created_at->get<std::int64_t>();
    if (!is_sha256_hex(record.fingerprint) || !orders::is_uuid(record.order_id) ||
        record.created_at_ms < 0) {
        return std::nullopt;
    }
    return record;
}

Replay replay_for(const IdempotencyRecord& held, const std::string& fingerprint) {
    if (held.fingerprint != fingerprint) {
        return Replay::kConflict;
    }
    return held.acknowledged ? Replay::kAnswer : Replay::kResend;
}

}  // namespace orderflow::gateway
