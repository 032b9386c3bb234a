#pragma once

#include "consumer/batch_processor.h"
#include "serde/schema_cache.h"

namespace orderflow::consumer {

/**
 * Confluent framing -> writer schema by id (from the registry, cached) -> Avro -> order ->
 * the order's own checks. Poison: not framed, unknown schema id, undecodable, invalid order.
 * `fetch` gives the schema text of an id (RegistryClient::schema_by_id); its RegistryError
 * decides: 4xx is poison (unknown id), unreachable or 5xx throws TransientError.
 */
class OrderDecoder : public MessageDecoder {
public:
    explicit OrderDecoder(serde::SchemaCache::Fetch fetch);
    Decoded decode(const InboundMessage& message) override;

private:
    serde::SchemaCache schemas_;
};

}  // namespace orderflow::consumer
