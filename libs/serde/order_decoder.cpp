#include "serde/order_decoder.h"

#include "common/transient_error.h"
#include "orders/validation.h"
#include "registry_client/registry_client.h"
#include "serde/order_codec.h"
#include "serde/wire_format.h"

namespace orderflow::serde {
namespace {

Decoded poison(PoisonKind kind, std::string reason) {
    return {std::nullopt, kind, std::move(reason)};
}

}  // namespace

OrderDecoder::OrderDecoder(SchemaCache::Fetch fetch) : schemas_(std::move(fetch)) {}

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
        schema = schemas_.get(unframed.schema_id);
    } catch (const registry_client::RegistryError& e) {
        if (e.http_status() == 0 || e.http_status() >= 500) {
            throw common::TransientError("schema registry cannot answer for schema id " + id +
                                         ": " + e.what());
        }
        return poison(PoisonKind::kUnknownSchema, "unknown schema id " + id + ": " + e.what());
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
