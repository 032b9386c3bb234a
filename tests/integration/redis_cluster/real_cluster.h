#pragma once

// A private 6-node Redis Cluster (scripts/redis-cluster.sh) on free ports in a temp dir, for the
// cluster tests: started by the constructor, stopped and removed by the destructor, and by a
// watchdog if the test process dies first, so no redis-server outlives its test.

#include "redis/connection.h"
#include "redis/redis_url.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace orderflow::test {

class RealCluster {
public:
    /// A cluster of its own, for a test that kills nodes. `node_timeout`: how long a silent
    /// master has before its replica takes over. Its nodes' dirs go in a new dir under `parent`
    /// (the system's temp dir when empty).
    explicit RealCluster(std::chrono::milliseconds node_timeout, const std::string& parent = "");
    /// The cluster of the ctest fixture `redis_cluster` (cluster_fixture.sh), shared by the
    /// tests that only move slots they alone use. Throws std::runtime_error outside the fixture.
    static RealCluster& shared();
    ~RealCluster();
    RealCluster(const RealCluster&) = delete;
    RealCluster& operator=(const RealCluster&) = delete;

    const std::array<std::uint16_t, 6>& ports() const { return ports_; }
    /// Every node as a seed, as a redis-cluster:// REDIS_URL would name them.
    std::vector<redis::RedisEndpoint> seeds() const;
    /// A plain connection to one node (no routing: it answers MOVED for others' slots).
    redis::Connection direct(std::uint16_t port) const;
    std::string node_id(std::uint16_t port) const;
    /// The port of the node that replicates the master on `port`.
    std::uint16_t replica_of(std::uint16_t master_port) const;
    pid_t pid(std::uint16_t port) const;
    /// Starts the nodes that are not running (killed ones) from their nodes.conf, so they rejoin
    /// the cluster as it is now; returns once every node says cluster_state:ok.
    void restart_stopped_nodes();

private:
    RealCluster() = default;
    std::string script(const std::string& command) const;

    std::string dir_;
    std::array<std::uint16_t, 6> ports_{};
    std::array<std::uint16_t, 6> bus_ports_{};
    std::chrono::milliseconds node_timeout_{0};
    bool owned_ = false;  ///< started here, so stopped here
};

}  // namespace orderflow::test
