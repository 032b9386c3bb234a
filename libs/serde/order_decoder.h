#pragma once

#include "serde/inbound_message.h"
#include "serde/schema_cache.h"

namespace orderflow::serde {

/// Turns a message into an order or a poison verdict. May throw common::TransientError.
class MessageDecoder {
public:
    virtual ~MessageDecoder() = default;
    virtual Decoded decode(const InboundMessage& message) = 0;
};

/**
 * Confluent framing -> writer schema by id (from the registry, cached) -> Avro -> order ->
 * the order's own checks. Poison: not framed, unknown schema id, undecodable, invalid order.
 * `fetch` gives the schema text of an id (RegistryClient::schema_by_id); its RegistryError
 * decides: 4xx is poison (unknown id), unreachable or 5xx throws TransientError.
 */
class OrderDecoder : public MessageDecoder {
public:
    explicit OrderDecoder(SchemaCache::Fetch fetch);
    Decoded decode(const InboundMessage& message) override;

private:
    SchemaCache schemas_;
};

}  // namespace orderflow::serde
