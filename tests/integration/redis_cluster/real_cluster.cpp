#include "real_cluster.h"

#include "support/test_support.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace orderflow::test {
namespace {

std::string comma_list(const std::array<std::uint16_t, 6>& ports) {
    std::string out;
    for (const auto port : ports) {
        out += (out.empty() ? "" : ",") + std::to_string(port);
    }
    return out;
}

}  // namespace

RealCluster::RealCluster(std::chrono::milliseconds node_timeout, const std::string& parent)
    : node_timeout_(node_timeout), owned_(true) {
    const std::filesystem::path under =
        parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
    std::filesystem::create_directories(under);
    std::string pattern = (under / "orderflow-redis-cluster-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    for (std::size_t i = 0; i < ports_.size(); ++i) {
        ports_[i] = free_port();
        bus_ports_[i] = free_port();
    }
    run_command("setsid nohup sh -c 'while kill -0 " + std::to_string(::getpid()) +
                " 2>/dev/null; do sleep 2; done; " + script("stop") + "; rm -rf " + dir_ +
                "' >/dev/null 2>&1 &");
    const auto result = run_command(script("start"));
    if (result.exit_code != 0) {
        run_command(script("stop"));
        throw std::runtime_error("redis cluster did not start:\n" + result.output);
    }
}

RealCluster& RealCluster::shared() {
    static const std::unique_ptr<RealCluster> cluster = [] {
        const char* path = std::getenv("ORDERFLOW_REDIS_CLUSTER_ENV");
        std::ifstream in(path == nullptr ? "" : path);
        if (!in) {
            throw std::runtime_error(
                "no cluster.env: run under ctest (fixture redis_cluster, cluster_fixture.sh)");
        }
        std::unique_ptr<RealCluster> shared(new RealCluster());
        std::string line;
        while (std::getline(in, line)) {
            const auto ports = [&](std::string_view name, std::array<std::uint16_t, 6>& out) {
                if (!line.starts_with(name)) {
                    return;
                }
                std::istringstream list(line.substr(name.size()));
                std::string port;
                for (auto& slot : out) {
                    std::getline(list, port, ',');
                    slot = static_cast<std::uint16_t>(std::stoi(port));
                }
            };
            ports("REDIS_CLUSTER_PORTS=", shared->ports_);
            ports("REDIS_CLUSTER_BUS_PORTS=", shared->bus_ports_);
        }
        return shared;
    }();
    return *cluster;
}

RealCluster::~RealCluster() {
    if (!owned_) {
        return;
    }
    // The data is thrown away: no need for the nodes' polite shutdown (over a second each).
    // Only a pid whose working directory is still its node's dir is ours (pids are reused).
    for (const auto port : ports_) {
        const auto node = pid(port);
        std::error_code error;
        const auto cwd =
            std::filesystem::read_symlink("/proc/" + std::to_string(node) + "/cwd", error);
        if (node > 0 && !error && cwd == std::filesystem::path(dir_) / std::to_string(port)) {
            ::kill(node, SIGKILL);
        }
    }
    run_command(script("stop"));
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string RealCluster::script(const std::string& command) const {
    return repo_root() + "/scripts/redis-cluster.sh " + command + " --dir " + dir_ + " --ports " +
           comma_list(ports_) + " --bus-ports " + comma_list(bus_ports_) + " --node-timeout " +
           std::to_string(node_timeout_.count()) + " --timeout 30";
}

std::vector<redis::RedisEndpoint> RealCluster::seeds() const {
    std::vector<redis::RedisEndpoint> out;
    for (const auto port : ports_) {
        redis::RedisEndpoint seed;
        seed.port = port;
        out.push_back(seed);
    }
    return out;
}

redis::Connection RealCluster::direct(std::uint16_t port) const {
    redis::RedisEndpoint endpoint;
    endpoint.port = port;
    return redis::Connection(endpoint);
}

std::string RealCluster::node_id(std::uint16_t port) const {
    return direct(port).command({"CLUSTER", "MYID"}).str;
}

std::uint16_t RealCluster::replica_of(std::uint16_t master_port) const {
    for (const auto port : ports_) {
        const auto role = direct(port).command({"ROLE"});
        // A replica's ROLE: ["slave", master host, master port, state, offset].
        if (role.elements.size() >= 3 && role.elements[0].str == "slave" &&
            role.elements[2].integer == master_port) {
            return port;
        }
    }
    throw std::runtime_error("no replica of :" + std::to_string(master_port));
}

void RealCluster::restart_stopped_nodes() {
    // The script starts only the nodes that are not alive and creates no second cluster.
    const auto result = run_command(script("start"));
    if (result.exit_code != 0) {
        throw std::runtime_error("redis cluster nodes did not restart:\n" + result.output);
    }
}

pid_t RealCluster::pid(std::uint16_t port) const {
    std::ifstream in(dir_ + "/" + std::to_string(port) + "/redis.pid");
    pid_t value = -1;
    in >> value;
    return value;
}

}  // namespace orderflow::test
