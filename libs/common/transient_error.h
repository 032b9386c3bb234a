#pragma once

#include <stdexcept>

namespace orderflow::common {

/// A dependency is unavailable for now (Redis, the registry, a Kafka topic): the caller may
/// retry the same work later; nothing of it may be assumed done.
class TransientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace orderflow::common
