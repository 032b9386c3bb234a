#include "robustness/chaos/cluster_faults.h"

#include "redis_cluster/cluster_connection.h"
#include "support/test_support.h"

#include <stdexcept>
#include <thread>

namespace orderflow::test::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool is_master(const RealCluster& cluster, std::uint16_t port) {
    try {
        return cluster.direct(port).command({"ROLE"}).elements.at(0).str == "master";
    } catch (const std::exception&) {
        return false;  // down: not one of the masters to tell
    }
}

// The replica on `port` has a link to its master that is up (synced, so it could take over).
bool replicates(const RealCluster& cluster, std::uint16_t port) {
    try {
        const auto info = cluster.direct(port).command({"INFO", "replication"}).str;
        return info.find("role:slave") != std::string::npos &&
               info.find("master_link_status:up") != std::string::npos;
    } catch (const std::exception&) {
        return false;
    }
}

void expect_ok(const redis::Reply& reply, const std::string& what) {
    if (reply.is_error() || reply.str != "OK") {
        throw std::runtime_error(what + ": " + reply.str);
    }
}

void set_slot(const RealCluster& cluster,
              std::uint16_t on,
              std::uint16_t slot,
              const std::string& how,
              std::uint16_t node) {
    expect_ok(cluster.direct(on).command(
                  {"CLUSTER", "SETSLOT", std::to_string(slot), how, cluster.node_id(node)}),
              "CLUSTER SETSLOT " + std::to_string(slot) + " " + how + " on :" + std::to_string(on));
}

}  // namespace

std::optional<std::uint16_t> master_port_of(const RealCluster& cluster, std::uint16_t slot) {
    try {
        const redis_cluster::ClusterConnection connection(cluster.seeds(), seconds(2));
        const auto master = connection.master_of(slot);
        return master ? std::optional(master->port) : std::nullopt;
    } catch (const redis::RedisError&) {
        return std::nullopt;
    }
}

std::uint16_t another_master(const RealCluster& cluster, std::uint16_t port) {
    for (const auto other : cluster.ports()) {
        if (other != port && is_master(cluster, other)) {
            return other;
        }
    }
    throw std::runtime_error("no master besides :" + std::to_string(port));
}

std::uint16_t wait_for_new_master(const RealCluster& cluster,
                                  std::uint16_t slot,
                                  std::uint16_t old_master,
                                  std::chrono::milliseconds timeout) {
    std::optional<std::uint16_t> master;
    const bool moved = wait_until(
        [&] {
            master = master_port_of(cluster, slot);
            return master && *master != old_master;
        },
        timeout, milliseconds(200));
    if (!moved) {
        throw std::runtime_error("no new master of slot " + std::to_string(slot) + " within " +
                                 std::to_string(timeout.count()) + " ms");
    }
    return *master;
}

std::string cluster_state(const RealCluster& cluster, std::uint16_t port) {
    const auto info = cluster.direct(port).command({"CLUSTER", "INFO"}).str;
    const auto at = info.find("cluster_state:");
    return at == std::string::npos ? "?" : info.substr(at + 14, info.find('\r', at) - at - 14);
}

void rejoin_as_replica(RealCluster& cluster, std::uint16_t port) {
    cluster.restart_stopped_nodes();
    if (!wait_until([&] { return replicates(cluster, port); }, seconds(60), milliseconds(200))) {
        throw std::runtime_error("node :" + std::to_string(port) +
                                 " did not rejoin as a synced replica within 60 s");
    }
}

std::size_t move_slot(const RealCluster& cluster,
                      std::uint16_t slot,
                      std::uint16_t from,
                      std::uint16_t to,
                      std::size_t step,
                      std::chrono::milliseconds pause) {
    set_slot(cluster, to, slot, "IMPORTING", from);
    set_slot(cluster, from, slot, "MIGRATING", to);
    auto source = cluster.direct(from);
    std::size_t moved = 0;
    for (;;) {
        const auto keys = source.command(
            {"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), std::to_string(step)});
        if (keys.elements.empty()) {
            break;
        }
        redis::Command migrate = {"MIGRATE", "127.0.0.1", std::to_string(to), "", "0",
                                  "5000",    "KEYS"};
        for (const auto& key : keys.elements) {
            migrate.push_back(key.str);
        }
        const auto reply = source.command(migrate);
        // NOKEY: every key of the step was gone by the time MIGRATE ran (expired).
        if (reply.str != "NOKEY") {
            expect_ok(reply, "MIGRATE of slot " + std::to_string(slot));
        }
        moved += keys.elements.size();
        std::this_thread::sleep_for(pause);  // the window in which the consumers write into it
    }
    // The new owner first, then the old one (it stops answering ASK), then the others.
    set_slot(cluster, to, slot, "NODE", to);
    set_slot(cluster, from, slot, "NODE", to);
    for (const auto port : cluster.ports()) {
        if (port != to && port != from && is_master(cluster, port)) {
            set_slot(cluster, port, slot, "NODE", to);
        }
    }
    return moved;
}

}  // namespace orderflow::test::chaos
