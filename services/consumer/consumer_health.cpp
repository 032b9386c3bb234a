#include "consumer/consumer_health.h"

#include <nlohmann/json.hpp>

namespace orderflow::consumer {

metrics::HealthReport consumer_health(const HealthFacts& facts) {
    const bool stuck = facts.oldest_uncommitted_ms > facts.commit_timeout_ms;
    // Ordered: the fields keep the order readers of the raw text have always seen.
    nlohmann::ordered_json details = {{"group", facts.group},
                                      {"mode", facts.mode},
                                      {"consuming", !facts.paused},
                                      {"assigned", facts.assigned},
                                      {"batch",
                                       {{"held", facts.held},
                                        {"size", facts.batch_size},
                                        {"text", "held " + std::to_string(facts.held) + " of " +
                                                     std::to_string(facts.batch_size)}}},
                                      {"commit",
                                       {{"uncommitted_partitions", facts.uncommitted_partitions},
                                        {"in_flight", facts.commits_in_flight},
                                        {"oldest_uncommitted_ms", facts.oldest_uncommitted_ms},
                                        {"stuck", stuck}}}};
    if (facts.paused) {
        details["paused_on"] = facts.last_failure;
    }
    return {!facts.paused && !stuck && !facts.fatal,
            details.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
}

}  // namespace orderflow::consumer
