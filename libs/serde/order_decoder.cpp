#include "serde/order_decoder.h"

#include "common/transient_error.h"
#include "orders/validation.h"
#include "registry_client/registry_client.h"
#include "serde/datum_check.h"
#include "serde/order_codec.h"
#include "serde/order_schema_fit.h"
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

OrderDecoder::OrderDecoder(SchemaCache::Fetch fetch,
                           RegistryRetry retry,
                           std::unique_ptr<SubjectIds> topic)
    : schemas_(std::move(fetch)), retry_(std::move(retry)), topic_(std::move(topic)) {
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

bool OrderDecoder::ask(int id, int attempts, const std::function<void()>& call, std::string& why) {
    const auto name = std::to_string(id);
    auto backoff = retry_.first_backoff;
    for (int attempt = 1;; ++attempt) {
        try {
            call();
            return true;
        } catch (const registry_client::RegistryError& e) {
            const bool last = attempt >= attempts;
            if (!may_change(e)) {
                throw common::TransientError("schema registry refused schema id " + name + ": " +
                                             e.what());
            }
            if (last && definitely_unknown(e)) {
                why = e.what();
                return false;
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

std::shared_ptr<const AvroSchema> OrderDecoder::schema(int id, std::string& why) {
    // An id the registry just called unknown is asked once more, without waiting: the next
    // messages with it do not each wait ~3 s, yet an id registered since (say, before a DLQ
    // redrive) is found at once.
    const int attempts = known_unknown(id, why) ? 1 : retry_.attempts;
    std::shared_ptr<const AvroSchema> schema;
    if (!ask(
            id, attempts, [&] { schema = schemas_.get(id); }, why)) {
        std::lock_guard lock(mutex_);
        unknown_[id] = {Clock::now(), why};
    }
    return schema;
}

std::optional<Decoded> OrderDecoder::foreign(int id, const AvroSchema* schema) {
    const auto name = std::to_string(id);
    if (topic_) {
        bool held = false;
        std::string why;
        if (!ask(
                id, retry_.attempts, [&] { held = topic_->holds(id); }, why) ||
            !held) {
            return poison(
                PoisonKind::kSchemaNotForTopic,
                "schema id " + name + " is not registered under subject " + topic_->subject());
        }
    }
    if (schema == nullptr) {
        return std::nullopt;  // not an Avro schema at all: undecodable, said by the caller
    }
    if (auto mismatch = order_schema_mismatch(schema->get())) {
        return poison(PoisonKind::kSchemaNotForTopic,
                      "schema id " + name + " cannot be read as an order: " + *mismatch);
    }
    return std::nullopt;
}

Decoded OrderDecoder::decode(const InboundMessage& message) {
    Unframed unframed;
    try {
        unframed = unframe(message.value);
    } catch (const WireFormatError& e) {
        return poison(PoisonKind::kNotFramed, e.what());
    }
    std::shared_ptr<const AvroSchema> schema;
    std::string unusable;
    const auto id = std::to_string(unframed.schema_id);
    try {
        std::string why;
        schema = this->schema(unframed.schema_id, why);
        if (!schema) {
            return poison(PoisonKind::kUnknownSchema, "unknown schema id " + id + ": " + why);
        }
    } catch (const AvroError& e) {
        unusable = e.what();
    }
    if (auto verdict = foreign(unframed.schema_id, schema.get())) {
        return std::move(*verdict);
    }
    if (!schema) {
        return poison(
            PoisonKind::kUndecodable,
            "schema id " + id + " is not an Avro schema this consumer reads: " + unusable);
    }
    orders::Order order;
    try {
        order = decode_order(*schema, unframed.payload);
    } catch (const DatumLimitError& e) {
        return poison(PoisonKind::kDecodeLimit,
                      std::string(e.what()) + " (writer schema id " + id + ")");
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
