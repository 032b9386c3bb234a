#pragma once

#include "metrics/metrics.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace orderflow::consumer {

/// What the consumer's /health is made of: a copy of the loop's state, taken under its lock.
struct HealthFacts {
    std::string group;
    std::string mode;      ///< the commit policy's name
    bool paused = false;   ///< on a dependency (Redis, registry, DLQ)
    std::string assigned;  ///< "orders[0],orders[3]", or "nothing"
    std::size_t held = 0;  ///< messages held toward the next batch
    std::size_t batch_size = 0;
    std::size_t uncommitted_partitions = 0;
    std::size_t commits_in_flight = 0;
    std::int64_t oldest_uncommitted_ms = 0;  ///< 0 when everything written is committed
    std::int64_t commit_timeout_ms = 0;      ///< older than this, the commit is stuck
    std::string last_failure;                ///< said while paused
    bool fatal = false;
};

/**
 * Healthy unless paused on a dependency, a commit is stuck (older than COMMIT_TIMEOUT) or
 * the consumer stopped fatally. The details are a JSON object: group, mode, consuming,
 * assigned, batch {held, size, text}, commit {uncommitted_partitions, in_flight,
 * oldest_uncommitted_ms, stuck}, and paused_on while paused. Any text is escaped as JSON
 * (invalid UTF-8 replaced), so an odd error message cannot break the answer.
 */
metrics::HealthReport consumer_health(const HealthFacts& facts);

}  // namespace orderflow::consumer
