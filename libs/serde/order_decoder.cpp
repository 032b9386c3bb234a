#include "serde/order_decoder.h"

#include "common/transient_error.h"
#include "orders/validation.h"
#include "registry_client/registry_client.h"
#include "serde/order_codec.h"
#include "serde/wire_format.h"

#include <thread>

namespace orderflow::serde {
namespace {

Decoded poison(PoisonKind kind, std::string reason) {
    return {std::nullopt, kind, std::move(reason)};
}

constexpr int kSchemaNotFound = 40403;

bool definitely_unknown(const registry_client::RegistryError& e) {
    return e.http_status() == 404 && e.error_code() == kSchemaNotFound;
}

/// Worth asking again: the registry (or a follower still replaying) may answer otherwise soon.
bool may_change(const registry_client::RegistryError& e) {
    const int status = e.http_status();
    return status == 0 || status == 404 || status == 408 || status == 429 || status >= 500;
}

}  // namespace

OrderDecoder::OrderDecoder(SchemaCache::Fetch fetch, RegistryRetry retry)
    : schemas_(std::move(fetch)), retry_(std::move(retry)) {
    if (!retry_.sleep) {
        retry_.sleep = [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); };
    }
}

bool OrderDecoder::known_unknown(int id, std::string& why) {
    std::lock_guard lock(mutex_);
    const auto it = unknown_.find(id);
    if (it == unknown_.end()) {
        return false;
    }
    if (Clock::now() - it->second.first >= retry_.remember_unknown) {
        unknown_.erase(it);
        return false;
    }
    why = it->second.second;
    return true;
}

std::shared_ptr<const AvroSchema> OrderDecoder::schema(int id, std::string& why) {
    // An id the registry just called unknown is asked once more, without waiting: the next
    // messages with it do not each wait ~3 s, yet an id registered since (say, before a DLQ
    // redrive) is found at once.
    const int attempts = known_unknown(id, why) ? 1 : retry_.attempts;
    const auto name = std::to_string(id);
    auto backoff = retry_.first_backoff;
    for (int attempt = 1;; ++attempt) {
        try {
            return schemas_.get(id);
        } catch (const registry_client::RegistryError& e) {
            const bool last = attempt >= attempts;
            if (!may_change(e)) {
                throw common::TransientError("schema registry refused schema id " + name + ": " +
                                             e.what());
            }
            if (last && definitely_unknown(e)) {
                why = e.what();
                std::lock_guard lock(mutex_);
                unknown_[id] = {Clock::now(), why};
                return nullptr;
            }
            if (last) {
                throw common::TransientError("schema registry cannot answer for schema id " + name +
                                             " (" + std::to_string(attempt) +
                                             " attempts): " + e.what());
            }
        }
        retry_.sleep(backoff);
        backoff *= 2;
    }
}

Decoded OrderDecoder::decode(const InboundMessage& message) {
    Unframed unframed;
    try {
        unframed = unframe(message.value);
    } catch (const WireFormatError& e) {
        return poison(PoisonKind::kNotFramed, e.what());
    }
    std::shared_ptr<const AvroSchema> schema;
    const auto id = std::to_string(unframed.schema_id);
    try {
        std::string why;
        schema = this->schema(unframed.schema_id, why);
        if (!schema) {
            return poison(PoisonKind::kUnknownSchema, "unknown schema id " + id + ": " + why);
        }
    } catch (const AvroError& e) {
        return poison(
            PoisonKind::kUndecodable,
            "schema id " + id + " is not an Avro schema this consumer reads: " + e.what());
    }
    orders::Order order;
    try {
        order = decode_order(*schema, unframed.payload);
    } catch (const DecodeError& e) {
        return poison(PoisonKind::kUndecodable,
                      "cannot decode with writer schema id " + id + ": " + e.what());
    }
    if (auto problems = orders::validation_summary(order); !problems.empty()) {
        return poison(PoisonKind::kInvalidOrder,
                      "invalid order " + order.order_id + ": " + problems);
    }
    return {std::move(order), PoisonKind::kUndecodable, ""};
}

}  // namespace orderflow::serde
