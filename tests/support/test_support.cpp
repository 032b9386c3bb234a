#include "support/test_support.h"

#include "common/env_file.h"

#include <arpa/inet.h>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <netinet/in.h>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace orderflow::test {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::mt19937_64& rng() {
    static std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

bool can_bind(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

SilentListener::SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    auto* raw = reinterpret_cast<sockaddr*>(&address);
    if (fd_ < 0 || ::bind(fd_, raw, length) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, raw, &length) != 0) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
}

SilentListener::~SilentListener() {
    ::close(fd_);
}

const StackEnv& shared_stack() {
    static const StackEnv env = [] {
        const char* path = std::getenv("ORDERFLOW_TEST_STACK_ENV");
        const std::string file = path != nullptr ? path : ORDERFLOW_TEST_STACK_ENV_DEFAULT;
        if (!std::filesystem::exists(file)) {
            throw std::runtime_error("no shared test stack at " + file +
                                     ": run this test through ctest (fixture `stack`)");
        }
        std::map<std::string, std::string> values;
        for (auto& [key, value] : common::parse_env_file(read_file(file), file)) {
            values[key] = value;
        }
        return StackEnv{values["KAFKA_BOOTSTRAP_SERVERS"],
                        values["REDIS_URL"],
                        values["KAFKA_CLUSTER_DIR"],
                        values["KAFKA_BROKER_PORTS"],
                        values["KAFKA_CONTROLLER_PORTS"],
                        values["REDIS_PORT"],
                        values["REDIS_DIR"]};
    }();
    return env;
}

std::string unique_name(std::string_view prefix) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::array<char, 13> hex{};
    std::snprintf(hex.data(), hex.size(), "%012llx",
                  static_cast<unsigned long long>(rng()() & 0xffffffffffffULL));
    return std::string(prefix) + "-" + hex.data();
}

bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(interval);
    }
}

// Ports below Linux's ephemeral range (32768+), so an outgoing connection never takes one
// between this check and the server's bind.
std::uint16_t free_port() {
    static std::mutex mutex;
    static std::set<std::uint16_t> handed_out;
    std::lock_guard lock(mutex);
    std::uniform_int_distribution<int> pick(20000, 32000);
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const auto port = static_cast<std::uint16_t>(pick(rng()));
        if (!handed_out.contains(port) && can_bind(port)) {
            handed_out.insert(port);
            return port;
        }
    }
    throw std::runtime_error("no free port found in 20000-32000");
}

std::string repo_root() {
    return ORDERFLOW_REPO_ROOT;
}
std::string orderflow_binary() {
    return ORDERFLOW_BINARY;
}

ChildProcess::ChildProcess(std::vector<std::string> argv,
                           const std::map<std::string, std::string>& env,
                           std::string log_path)
    : log_path_(std::move(log_path)) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const auto equals = entry.find('=');
        merged[entry.substr(0, equals)] =
            equals == std::string::npos ? "" : entry.substr(equals + 1);
    }
    for (const auto& [key, value] : env) {
        merged[key] = value;
    }
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : merged) {
        env_strings.push_back(key + "=" + value);
    }
    // Build every pointer array before fork: the child only calls async-signal-safe functions.
    std::vector<char*> argv_ptrs;
    for (auto& a : argv) {
        argv_ptrs.push_back(a.data());
    }
    argv_ptrs.push_back(nullptr);
    std::vector<char*> env_ptrs;
    for (auto& e : env_strings) {
        env_ptrs.push_back(e.data());
    }
    env_ptrs.push_back(nullptr);
    const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        throw std::runtime_error("cannot open " + log_path_);
    }
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, STDIN_FILENO);
        ::execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
        ::_exit(127);
    }
    ::close(log_fd);
    if (pid_ < 0) {
        throw std::runtime_error("fork failed for " + argv.front());
    }
}

ChildProcess::~ChildProcess() {
    if (running()) {
        send_signal(SIGTERM);
        if (wait(std::chrono::seconds(15)) == -1) {
            send_signal(SIGKILL);
            wait(std::chrono::seconds(10));
        }
    }
}

bool ChildProcess::running() {
    if (exit_code_ != -1 || pid_ <= 0) {
        return false;
    }
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) {
        return true;
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
}

void ChildProcess::send_signal(int signal) {
    if (running()) {
        ::kill(pid_, signal);
    }
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
    wait_until([this] { return !running(); }, timeout, std::chrono::milliseconds(20));
    return running() ? -1 : exit_code_;
}

std::string ChildProcess::output() const {
    return read_file(log_path_);
}

CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        throw std::runtime_error("popen failed: " + command);
    }
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        result.output.append(buffer.data(), n);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

CommandResult run_orderflow(const std::string& args,
                            const std::map<std::string, std::string>& env) {
    std::string command = "env";
    for (const auto& [key, value] : env) {
        command += " " + key + "=" + shell_quote(value);
    }
    return run_command(command + " " + shell_quote(orderflow_binary()) + " " + args + " 2>&1");
}

KafkaCluster::KafkaCluster() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderflow-kafka-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    std::array<std::uint16_t, 3> brokers{free_port(), free_port(), free_port()};
    std::array<std::uint16_t, 3> controllers{free_port(), free_port(), free_port()};
    for (int i = 0; i < 3; ++i) {
        broker_ports_ += (i ? "," : "") + std::to_string(brokers[i]);
        controller_ports_ += (i ? "," : "") + std::to_string(controllers[i]);
        bootstrap_servers_ += (i ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(brokers[i]);
    }
    // A crashed test never runs the destructor: a watchdog stops the cluster when this
    // process is gone, so no broker outlives its test.
    run_command("setsid nohup sh -c 'while kill -0 " + std::to_string(::getpid()) +
                " 2>/dev/null; do sleep 2; done; " + script("stop") + " --timeout 3; rm -rf " +
                dir_ + "' >/dev/null 2>&1 &");
    const auto result = run_command(script("start"));
    if (result.exit_code != 0) {
        run_command(script("stop"));
        throw std::runtime_error("kafka cluster did not start:\n" + result.output);
    }
}

KafkaCluster::~KafkaCluster() {
    // A node that lost its quorum can take minutes to shut down politely; the data is discarded.
    run_command(script("stop") + " --timeout 10");
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string KafkaCluster::script(const std::string& command) const {
    return repo_root() + "/scripts/kafka-cluster.sh " + command + " --dir " + dir_ +
           " --broker-ports " + broker_ports_ + " --controller-ports " + controller_ports_;
}

pid_t KafkaCluster::node_pid(int node) const {
    const auto text = read_file(dir_ + "/pids/kafka-" + std::to_string(node) + ".pid");
    return text.empty() ? -1 : static_cast<pid_t>(std::stol(text));
}

void KafkaCluster::kill_node(int node, int signal) {
    const pid_t pid = node_pid(node);
    if (pid <= 0) {
        throw std::runtime_error("kafka node " + std::to_string(node) + " has no pid");
    }
    ::kill(pid, signal);
    if (signal == SIGKILL) {
        wait_until([pid] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(10));
    }
}

CommandResult KafkaCluster::quorum_status() const {
    return run_command(script("quorum"));
}

void KafkaCluster::start_node(int node) {
    const auto result = run_command(script("start-node " + std::to_string(node)));
    if (result.exit_code != 0) {
        throw std::runtime_error("kafka node " + std::to_string(node) + " did not restart:\n" +
                                 result.output);
    }
}

}  // namespace orderflow::test
