#pragma once

// The faults of the chaos run's Redis Cluster cases, and how they heal: who serves a slot now,
// a killed node brought back as a replica, a slot moved to another master key by key while the
// consumers write into it.

#include "integration/redis_cluster/real_cluster.h"

#include <chrono>
#include <cstdint>
#include <optional>

namespace orderflow::test::chaos {

/// The port of the master that serves `slot`, read afresh from the cluster; nullopt while none
/// does or no node answers.
std::optional<std::uint16_t> master_port_of(const RealCluster& cluster, std::uint16_t slot);

/// A master of the cluster other than the one on `port`. Errors: std::runtime_error when none.
std::uint16_t another_master(const RealCluster& cluster, std::uint16_t port);

/// Waits until a master other than `old_master` serves `slot`, and returns its port. Errors:
/// std::runtime_error after `timeout`.
std::uint16_t wait_for_new_master(const RealCluster& cluster,
                                  std::uint16_t slot,
                                  std::uint16_t old_master,
                                  std::chrono::milliseconds timeout);

/// "ok" or "fail": cluster_state as the node on `port` sees it.
std::string cluster_state(const RealCluster& cluster, std::uint16_t port);

/// Restarts the killed node on `port` from its nodes.conf and waits until it replicates the
/// master that took its slots over (link up), so the next case finds 3 masters with a replica
/// each again.
void rejoin_as_replica(RealCluster& cluster, std::uint16_t port);

/// Moves `slot` from the master on `from` to the one on `to` as a reshard does (IMPORTING,
/// MIGRATING, MIGRATE `step` keys at a time with `pause` between, then SETSLOT NODE on every
/// master), and returns how many keys moved.
std::size_t move_slot(const RealCluster& cluster,
                      std::uint16_t slot,
                      std::uint16_t from,
                      std::uint16_t to,
                      std::size_t step,
                      std::chrono::milliseconds pause);

}  // namespace orderflow::test::chaos
