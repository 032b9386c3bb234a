// ctest fixture: `orderflow_test_stack up DIR` starts 3 Kafka nodes and Redis on free ports and
// writes DIR/stack.env for the tests; `down DIR` stops them and removes DIR.
#include "common/env_file.h"
#include "support/test_support.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

namespace {

using orderflow::test::free_port;
using orderflow::test::repo_root;
using orderflow::test::run_command;

int up(const std::filesystem::path& dir) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string brokers;
    std::string controllers;
    std::string bootstrap;
    for (int i = 0; i < 3; ++i) {
        const auto b = std::to_string(free_port());
        brokers += (i ? "," : "") + b;
        controllers += (i ? "," : "") + std::to_string(free_port());
        bootstrap += (i ? "," : "") + std::string("127.0.0.1:") + b;
    }
    const auto redis_port = std::to_string(free_port());
    const auto kafka_dir = (dir / "kafka").string();
    const auto redis_dir = (dir / "redis").string();
    // Written first, so `down` can stop whatever did start if a later step fails.
    std::ofstream(dir / "stack.env") << "KAFKA_BOOTSTRAP_SERVERS=" << bootstrap << "\n"
                                     << "KAFKA_CLUSTER_DIR=" << kafka_dir << "\n"
                                     << "KAFKA_BROKER_PORTS=" << brokers << "\n"
                                     << "KAFKA_CONTROLLER_PORTS=" << controllers << "\n"
                                     << "REDIS_URL=redis://127.0.0.1:" << redis_port << "/0\n"
                                     << "REDIS_PORT=" << redis_port << "\n"
                                     << "REDIS_DIR=" << redis_dir << "\n";
    const auto scripts = repo_root() + "/scripts/";
    for (const auto& command :
         {scripts + "redis.sh start --dir " + redis_dir + " --port " + redis_port,
          scripts + "kafka-cluster.sh start --dir " + kafka_dir + " --broker-ports " + brokers +
              " --controller-ports " + controllers}) {
        const auto result = run_command(command);
        std::cout << result.output;
        if (result.exit_code != 0) {
            std::cerr << "stack start failed: " << command << "\n";
            return 1;
        }
    }
    std::cout << "test stack ready: kafka " << bootstrap << ", redis 127.0.0.1:" << redis_port
              << "\n";
    return 0;
}

int down(const std::filesystem::path& dir) {
    std::ifstream in(dir / "stack.env");
    if (!in) {
        std::cout << "no test stack at " << dir << "\n";
        return 0;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::map<std::string, std::string> env;
    for (auto& [k, v] : orderflow::common::parse_env_file(text, "stack.env")) {
        env[k] = v;
    }
    const auto scripts = repo_root() + "/scripts/";
    int rc = 0;
    for (const auto& command :
         // The stack's data is discarded: a node that ignores SIGTERM for 20 s gets SIGKILL.
         {scripts + "kafka-cluster.sh stop --timeout 20 --dir " + env["KAFKA_CLUSTER_DIR"] +
              " --broker-ports " + env["KAFKA_BROKER_PORTS"] + " --controller-ports " +
              env["KAFKA_CONTROLLER_PORTS"],
          scripts + "redis.sh stop --dir " + env["REDIS_DIR"] + " --port " + env["REDIS_PORT"]}) {
        const auto result = run_command(command);
        std::cout << result.output;
        rc |= result.exit_code;
    }
    if (rc == 0 && std::getenv("ORDERFLOW_KEEP_TEST_STACK") == nullptr) {
        std::filesystem::remove_all(dir);
    }
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: orderflow_test_stack up|down DIR\n";
        return 2;
    }
    const std::string command = argv[1];
    if (command == "up") {
        return up(argv[2]);
    }
    if (command == "down") {
        return down(argv[2]);
    }
    std::cerr << "unknown command " << command << "\n";
    return 2;
}
