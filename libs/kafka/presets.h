#pragma once

// Named sets of librdkafka properties that several clients share, so a setting that exists for a
// reason is written (and explained) once. Pass them, joined with a client's own, as `defaults`.

#include "kafka/client_config.h"

#include <chrono>
#include <initializer_list>
#include <string>
#include <vector>

namespace orderflow::kafka::presets {

/**
 * A dead or paused broker costs seconds, not minutes: requests give up after `socket_timeout`,
 * reconnects start after 100 ms and back off to at most 1 s, and metadata is asked for every
 * `metadata_refresh` (so a topic created a moment ago, or a moved leader, is seen soon).
 */
std::vector<Property> failover(
    std::chrono::milliseconds socket_timeout = std::chrono::seconds(5),
    std::chrono::milliseconds metadata_refresh = std::chrono::seconds(1));

/**
 * A consumer that assign()s its partitions and never commits or stores offsets. librdkafka's
 * consumers need a group.id (`group`); assign() never joins it.
 */
std::vector<Property> reader(const std::string& group);

/// A member of `group` that commits only when and what its code says (no auto-commit).
std::vector<Property> committer(const std::string& group);

/// A producer whose every message is acknowledged by all in-sync replicas, exactly once per send.
std::vector<Property> acknowledged();

/// The lists one after another (a later property with the same key wins in librdkafka).
std::vector<Property> join(std::initializer_list<std::vector<Property>> lists);

}  // namespace orderflow::kafka::presets
