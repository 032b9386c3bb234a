#include "serde/schema_cache.h"

namespace orderflow::serde {

std::shared_ptr<const AvroSchema> SchemaCache::get(int id) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = schemas_.find(id); it != schemas_.end()) {
            return it->second;
        }
    }
    // Fetch without the lock: a slow registry must not block readers of cached ids.
    auto schema = std::make_shared<const AvroSchema>(fetch_(id));
    std::lock_guard lock(mutex_);
    return schemas_.emplace(id, std::move(schema)).first->second;
}

std::size_t SchemaCache::size() const {
    std::lock_guard lock(mutex_);
    return schemas_.size();
}

}  // namespace orderflow::serde
