#pragma once

// Helpers every integration, robustness and e2e test uses: the shared stack that ctest starts
// once per run, unique names, waiting on conditions, child processes, a private Kafka cluster.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace orderflow::test {

/// The stack ctest starts once per run (fixture `stack`: 3 Kafka nodes + Redis, free ports).
struct StackEnv {
    std::string bootstrap_servers;  // KAFKA_BOOTSTRAP_SERVERS
    std::string redis_url;          // REDIS_URL, redis://127.0.0.1:PORT/0
    std::string kafka_dir;          // KAFKA_CLUSTER_DIR (for scripts/kafka-cluster.sh)
    std::string broker_ports;       // KAFKA_BROKER_PORTS "a,b,c"
    std::string controller_ports;   // KAFKA_CONTROLLER_PORTS
    std::string redis_port;         // REDIS_PORT
    std::string redis_dir;          // REDIS_DIR
};

/// Reads the file named by ORDERFLOW_TEST_STACK_ENV (set by ctest for tests with
/// FIXTURES_REQUIRED stack). Throws std::runtime_error when the test runs outside that fixture.
const StackEnv& shared_stack();

/// "prefix-<12 random hex>": topics, groups, subjects, Redis key prefixes per test.
std::string unique_name(std::string_view prefix);

/// Polls `condition` every `interval` until it is true (returns true) or `timeout` passes.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(100));

/// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_port();

/// A loopback port whose listener takes connections (the kernel completes them) but never
/// reads or answers: a hung server or broker. Closed by the destructor.
class SilentListener {
public:
    SilentListener();  // throws std::runtime_error when it cannot listen
    ~SilentListener();
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

    std::uint16_t port() const { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

/// Absolute paths: the repository root and the built `orderflow` binary.
std::string repo_root();
std::string orderflow_binary();

/// Runs a command (argv[0] is a path), with `env` added to this process's environment and
/// stdout+stderr appended to `log_path`. The destructor sends SIGTERM, waits up to 15 s, then
/// SIGKILLs: no test leaves a process behind.
class ChildProcess {
public:
    ChildProcess(std::vector<std::string> argv,
                 const std::map<std::string, std::string>& env,
                 std::string log_path);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running();
    void send_signal(int signal);
    /// Exit code, 128+signal when killed by one, or -1 when still running after `timeout`.
    int wait(std::chrono::milliseconds timeout);
    /// Everything the process wrote so far.
    std::string output() const;
    const std::string& log_path() const { return log_path_; }

private:
    pid_t pid_ = -1;
    int exit_code_ = -1;
    std::string log_path_;
};

/// Runs `command` through /bin/sh, returning its exit code and combined output.
struct CommandResult {
    int exit_code = -1;
    std::string output;
};
CommandResult run_command(const std::string& command);
/// `text` as one /bin/sh word, in single quotes.
std::string shell_quote(const std::string& text);
/// `orderflow <args>` with exactly the variables of `env` added to this process's environment.
CommandResult run_orderflow(const std::string& args, const std::map<std::string, std::string>& env);

/// A private 3-node cluster (scripts/kafka-cluster.sh) on free ports in a temp dir, for tests
/// that kill brokers and so must not share the stack. Stopped and removed by the destructor.
class KafkaCluster {
public:
    KafkaCluster();  // starts and waits until ready; throws std::runtime_error with the log tail
    ~KafkaCluster();
    KafkaCluster(const KafkaCluster&) = delete;
    KafkaCluster& operator=(const KafkaCluster&) = delete;

    const std::string& bootstrap_servers() const { return bootstrap_servers_; }
    pid_t node_pid(int node) const;  // node 1..3
    void kill_node(int node, int signal);
    void start_node(int node);  // and wait until that broker answers
    /// `kafka-cluster.sh quorum`: MetadataQuorumCommand describe --status (LeaderId, voters).
    CommandResult quorum_status() const;
    const std::string& dir() const { return dir_; }

private:
    std::string script(const std::string& command) const;
    std::string dir_;
    std::string broker_ports_;
    std::string controller_ports_;
    std::string bootstrap_servers_;
};

}  // namespace orderflow::test
