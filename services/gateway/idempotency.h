#pragma once

// POST /v1/orders with an `Idempotency-Key`: what the key may be, what is kept for it in Redis
// and what a later request with the same key is answered. Pure (no I/O); the Redis side is
// idempotency_store.h.
//
// The record holds the fingerprint of the first body, the order id and creation time the
// gateway gave it, and whether Kafka acknowledged it. A later request with the same key and the
// same order gets that order again (same id, same time); while it is not yet acknowledged it is
// sent again with that id, which the consumers store once (they skip an order id they hold).

#include "orders/order.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orderflow::gateway {

/// The header's longest value; longer is 400.
inline constexpr std::size_t kMaxIdempotencyKeyBytes = 255;
/// A record longer than this in Redis is not one the gateway wrote.
inline constexpr std::size_t kMaxIdempotencyRecordBytes = 1024;

/// Errors: RequestError (400, field `Idempotency-Key`) unless 1-255 bytes of printable ASCII
/// (0x20-0x7E).
void check_idempotency_key(std::string_view key);

/// The Redis key of an idempotency key: `idempotency:` and the hex SHA-256 of the key, so that
/// any printable key makes a short key with no byte SCAN patterns treat specially. With a
/// client (GATEWAY_CLIENTS_FILE), `idempotency:<client>:<sha256>`: each client has its own keys,
/// so two clients who pick the same key never see each other's order. A client name holds only
/// [A-Za-z0-9._-] (client_tokens.h), so no name makes another's prefix.
std::string idempotency_redis_key(std::string_view client, std::string_view key);

/// The hex SHA-256 of what the order asks for (customer, items, currency, country, payment
/// method), without the id, time and status the gateway adds: the same order sent again with
/// other spacing or field order has the same fingerprint.
std::string order_fingerprint(const orders::Order& order);

struct IdempotencyRecord {
    std::string fingerprint;  ///< order_fingerprint() of the first request
    std::string order_id;
    std::int64_t created_at_ms = 0;
    bool acknowledged = false;  ///< Kafka acknowledged the order
};

/// The record as stored: one JSON object.
std::string encode_record(const IdempotencyRecord& record);

/// A stored record; nullopt for anything the gateway would not have written (too long, not
/// JSON, a field missing or of the wrong type, an id that is not a UUID, a negative time).
std::optional<IdempotencyRecord> parse_record(std::string_view text);

/// What a request with a key already held is answered.
enum class Replay {
    kConflict,  ///< another order under this key: 409
    kAnswer,    ///< acknowledged: 201 with the recorded order at once
    kResend,    ///< not acknowledged yet: send the recorded order again, 201 once acknowledged
};
Replay replay_for(const IdempotencyRecord& held, const std::string& fingerprint);

}  // namespace orderflow::gateway
