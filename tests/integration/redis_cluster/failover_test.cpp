// A master killed with SIGKILL: its replica takes over (1 s node timeout), and the router, whose
// calls fail meanwhile with RedisError, reads the slot map again and writes to the new master.

#include "real_cluster.h"
#include "redis_cluster/cluster_connection.h"
#include "redis_cluster/slot_map.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>

namespace orderflow::redis_cluster {
namespace {

TEST(ClusterFailover, FindsThePromotedReplicaAfterItsMasterIsKilled) {
    test::RealCluster cluster(std::chrono::milliseconds(1000));
    ClusterConnection router(cluster.seeds(), std::chrono::seconds(2));
    const std::string key = "order:{failover}:1";
    const auto slot = key_slot(key);
    ASSERT_EQ(router.command({"SET", key, "before"}).str, "OK");
    const auto old_master = *router.master_of(slot);
    const auto replica = cluster.replica_of(old_master.port);
    ASSERT_TRUE(test::wait_until(
        [&] {
            return cluster.direct(replica).pipeline({{"READONLY"}, {"GET", key}})[1].str ==
                   "before";
        },
        std::chrono::seconds(10)));

    ASSERT_EQ(::kill(cluster.pid(old_master.port), SIGKILL), 0);
    const auto killed_at = std::chrono::steady_clock::now();
    int failures = 0;
    const bool written = test::wait_until(
        [&] {
            try {
                return router.command({"SET", key, "after"}).str == "OK";
            } catch (const redis::RedisError&) {
                ++failures;
                return false;
            }
        },
        std::chrono::seconds(60), std::chrono::milliseconds(200));
    ASSERT_TRUE(written) << failures << " failed calls";
    std::cout << "written to the promoted replica "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - killed_at)
                     .count()
              << " ms after the kill, " << failures << " failed calls before\n";
    EXPECT_GT(failures, 0);
    EXPECT_EQ(router.master_of(slot), (NodeAddress{"127.0.0.1", replica}));
    EXPECT_GT(router.slot_map_reads(), 1);
    EXPECT_EQ(cluster.direct(replica).command({"GET", key}).str, "after");
    EXPECT_EQ(router.command({"GET", key}).str, "after");

    // The promoted node has no replica: killed too, its slots have no one left, the cluster
    // goes down, and a call for a live master's slot ends in RedisError, not an error reply.
    const std::string elsewhere = "order:{elsewhere}:1";
    ASSERT_NE(router.master_of(key_slot(elsewhere)), router.master_of(slot));
    ASSERT_EQ(::kill(cluster.pid(replica), SIGKILL), 0);
    std::string down_error;
    ASSERT_TRUE(test::wait_until(
        [&] {
            try {
                router.command({"SET", elsewhere, "x"});
            } catch (const redis::RedisError& e) {
                down_error = e.what();
            }
            return down_error.find("CLUSTERDOWN") != std::string::npos;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(200)))
        << down_error;
}

}  // namespace
}  // namespace orderflow::redis_cluster
