// The start scripts fail fast and say why when a port they need is taken.
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace orderflow::test {
namespace {

// Holds a listening socket on a free port for the life of the object.
class PortSquatter {
public:
    PortSquatter() : port_(free_port()) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port_);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
            ::listen(fd_, 1) != 0) {
            throw std::runtime_error("cannot squat port " + std::to_string(port_));
        }
    }
    ~PortSquatter() { ::close(fd_); }
    std::uint16_t port() const { return port_; }

private:
    std::uint16_t port_;
    int fd_ = -1;
};

std::string temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderflow-ready-XXXXXX").string();
    return ::mkdtemp(pattern.data());
}

std::string cluster_command(const std::string& dir, std::uint16_t taken_broker_port) {
    return repo_root() + "/scripts/kafka-cluster.sh start --timeout 60 --dir " + dir +
           " --broker-ports " + std::to_string(taken_broker_port) + "," +
           std::to_string(free_port()) + "," + std::to_string(free_port()) +
           " --controller-ports " + std::to_string(free_port()) + "," +
           std::to_string(free_port()) + "," + std::to_string(free_port());
}

void stop_cluster(const std::string& dir) {
    // Ports do not matter to stop: it signals the pids in the dir.
    run_command(repo_root() + "/scripts/kafka-cluster.sh stop --dir " + dir +
                " --broker-ports 1,2,3 --controller-ports 4,5,6");
    std::filesystem::remove_all(dir);
}

TEST(Readiness, KafkaStartNamesTheTakenPortBeforeStartingAnything) {
    PortSquatter squatter;
    const auto dir = temp_dir();
    const auto result = run_command(cluster_command(dir, squatter.port()));
    stop_cluster(dir);
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.output.find("port " + std::to_string(squatter.port()) +
                                 " (kafka node 1 client listener) is already in use"),
              std::string::npos)
        << result.output;
}

TEST(Readiness, WaitReportsANodeThatCouldNotBindWithItsLogTail) {
    PortSquatter squatter;
    const auto dir = temp_dir();
    // Skip the pre-check so the broker really tries the port: the wait must notice it died.
    const auto result =
        run_command("KAFKA_SKIP_PORT_CHECK=1 " + cluster_command(dir, squatter.port()));
    stop_cluster(dir);
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.output.find("kafka node 1 exited during start-up"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("Address already in use"), std::string::npos) << result.output;
}

TEST(Readiness, RedisStartNamesTheTakenPort) {
    PortSquatter squatter;
    const auto dir = temp_dir();
    const auto result = run_command(repo_root() + "/scripts/redis.sh start --dir " + dir +
                                    " --port " + std::to_string(squatter.port()));
    run_command(repo_root() + "/scripts/redis.sh stop --dir " + dir);
    std::filesystem::remove_all(dir);
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.output.find("port " + std::to_string(squatter.port()) +
                                 " (redis) is already in use"),
              std::string::npos)
        << result.output;
}

}  // namespace
}  // namespace orderflow::test
