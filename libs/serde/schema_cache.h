#pragma once

#include "serde/avro_value.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace orderflow::serde {

/**
 * Parsed writer schemas by registry id. `fetch` returns the schema text of an id (the registry
 * client's schema_by_id); what it throws passes through and nothing is cached then. Ids are
 * immutable, so a parsed schema is kept forever. Thread-safe.
 * Errors: whatever `fetch` throws; AvroError when the text is not a valid Avro schema.
 */
class SchemaCache {
public:
    using Fetch = std::function<std::string(int)>;
    explicit SchemaCache(Fetch fetch) : fetch_(std::move(fetch)) {}

    std::shared_ptr<const AvroSchema> get(int id);
    std::size_t size() const;

private:
    Fetch fetch_;
    mutable std::mutex mutex_;
    std::map<int, std::shared_ptr<const AvroSchema>> schemas_;
};

}  // namespace orderflow::serde
