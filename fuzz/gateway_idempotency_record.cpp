// The gateway's Idempotency-Key handling (services/gateway idempotency): the record it reads back
// from Redis and the key a client sends are outside bytes. A record is refused or parses into
// one that encodes and parses back the same; a key is refused with a 400 or names a Redis key
// of fixed length. A throw of anything else, a crash or a round trip that differs is a bug.

#include "gateway/idempotency.h"
#include "gateway/order_request.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace orderflow::gateway;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto record = parse_record(input)) {
        const auto again = parse_record(encode_record(*record));
        if (!again || again->fingerprint != record->fingerprint ||
            again->order_id != record->order_id || again->created_at_ms != record->created_at_ms ||
            again->acknowledged != record->acknowledged) {
            std::abort();
        }
    }
    try {
        check_idempotency_key(input);
        if (idempotency_redis_key("", input).size() != 12 + 64) {
            std::abort();
        }
    } catch (const RequestError& e) {
        if (e.status() != 400) {
            std::abort();
        }
    }
    return 0;
}
