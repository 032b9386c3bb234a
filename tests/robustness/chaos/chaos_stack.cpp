#include "robustness/chaos/chaos_stack.h"

#include "kafka/clients.h"

#include <httplib.h>
#include <librdkafka/rdkafkacpp.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace orderflow::test::chaos {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Lines that end with a newline (a killed writer may leave the last one cut).
std::vector<std::string> complete_lines(const std::string& path) {
    const auto text = read_all(path);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace

AofRedis::AofRedis(std::string dir)
    : dir_(std::move(dir)),
      port_(std::to_string(free_port())),
      url_("redis://127.0.0.1:" + port_ + "/0") {
    std::filesystem::create_directories(dir_);
    // A crashed run never gets to the destructor: stop Redis once this process is gone.
    run_command("setsid nohup sh -c 'while kill -0 " + std::to_string(::getpid()) +
                " 2>/dev/null; do sleep 2; done; " + script("stop") + "' >/dev/null 2>&1 &");
    start();
}

AofRedis::~AofRedis() {
    run_command(script("stop"));
}

std::string AofRedis::script(const std::string& command) const {
    return repo_root() + "/scripts/redis.sh " + command + " --dir " + shell_quote(dir_) +
           " --port " + port_;
}

void AofRedis::start() {
    const auto result = run_command(script("start"));
    if (result.exit_code != 0) {
        throw std::runtime_error("redis did not start:\n" + result.output);
    }
}

void AofRedis::kill9() {
    const auto text = read_all(dir_ + "/redis.pid");
    if (text.empty()) {
        throw std::runtime_error("redis has no pid file in " + dir_);
    }
    const auto pid = static_cast<pid_t>(std::stol(text));
    ::kill(pid, SIGKILL);
    wait_until([pid] { return ::kill(pid, 0) != 0; }, seconds(10));
}

void AofRedis::snapshot(const std::string& path) const {
    const auto result =
        run_command("redis-cli -h 127.0.0.1 -p " + port_ + " --rdb " + shell_quote(path));
    if (result.exit_code != 0) {
        throw std::runtime_error("redis-cli --rdb failed:\n" + result.output);
    }
}

void AofRedis::restore(const std::string& path) const {
    // Redis 7 loads its AOF (manifest + base + increments), never dump.rdb, when AOF is on:
    // the copy becomes the AOF's only base file.
    const auto aof = dir_ + "/appendonlydir";
    std::filesystem::remove_all(aof);
    std::filesystem::create_directories(aof);
    std::filesystem::copy_file(path, aof + "/appendonly.aof.1.base.rdb");
    std::ofstream(aof + "/appendonly.aof.manifest")
        << "file appendonly.aof.1.base.rdb seq 1 type b\n";
}

Registry::Registry(std::string bootstrap, std::string dir)
    : bootstrap_(std::move(bootstrap)),
      dir_(std::move(dir)),
      port_(free_port()),
      url_("http://127.0.0.1:" + std::to_string(port_)),
      topic_(unique_name("_schemas")),
      group_(unique_name("registry")) {
    start();
}

void Registry::start() {
    process_.reset();
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{orderflow_binary(), "registry"},
        std::map<std::string, std::string>{
            {"KAFKA_BOOTSTRAP_SERVERS", bootstrap_},
            {"REGISTRY_LISTEN", "127.0.0.1:" + std::to_string(port_)},
            {"REGISTRY_TOPIC", topic_},
            {"REGISTRY_GROUP", group_},
            {"ORDERFLOW_ENV_FILE", dir_ + "/no.env"}},
        dir_ + "/registry-" + std::to_string(++starts_) + ".log");
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(2);
    client.set_read_timeout(5);
    const bool ready = wait_until(
        [&] {
            const auto response = client.Get("/ready");
            return (response && response->status == 200) || !process_->running();
        },
        seconds(120), milliseconds(250));
    if (!ready || !process_->running()) {
        throw std::runtime_error("orderflow registry did not come up:\n" + process_->output());
    }
}

void Registry::kill9() {
    process_->send_signal(SIGKILL);
    process_->wait(seconds(10));
}

Stack::Stack(std::string dir)
    : dir_(std::move(dir)), redis_(dir_ + "/redis"), registry_(kafka_.bootstrap_servers(), dir_) {}

RealCluster& Stack::redis_cluster() {
    if (!redis_cluster_) {
        // A short node timeout: a killed master's replica takes over within a few seconds.
        redis_cluster_ = std::make_unique<RealCluster>(milliseconds(1000), dir_ + "/redis-cluster");
    }
    return *redis_cluster_;
}

std::string Stack::redis_cluster_url() {
    std::string url = "redis-cluster://";
    for (const auto port : redis_cluster().ports()) {
        url += (url.back() == '/' ? "" : ",") + std::string("127.0.0.1:") + std::to_string(port);
    }
    return url;
}

int Stack::partition_leader(const std::string& topic, int partition) const {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = kafka_.bootstrap_servers();
    settings.client_id = "orderflow-chaos";
    const auto producer = kafka::make_cpp_producer(settings, {}, "a metadata probe");
    const auto handle = kafka::make_cpp_topic(*producer, topic);
    RdKafka::Metadata* raw = nullptr;
    if (producer->metadata(false, handle.get(), &raw, 10000) != RdKafka::ERR_NO_ERROR) {
        return -1;
    }
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    for (const auto* t : *metadata->topics()) {
        for (const auto* p : *t->partitions()) {
            if (p->id() == partition) {
                return p->leader();
            }
        }
    }
    return -1;
}

int Stack::active_controller() const {
    std::smatch match;
    const auto status = kafka_.quorum_status().output;
    if (std::regex_search(status, match, std::regex(R"(LeaderId:\s+(\d+))"))) {
        return std::stoi(match[1]);
    }
    return -1;
}

CaseRun::CaseRun(Stack& stack, const std::string& name, std::string redis_url)
    : stack_(stack),
      name_(name),
      redis_url_(std::move(redis_url)),
      topic_(unique_name("chaos-" + name)),
      auto_(topic_ + "-auto"),
      batch_(topic_ + "-batch"),
      dir_(stack.dir() + "/" + name) {
    std::filesystem::create_directories(dir_);
    ack_log_ = dir_ + "/acks.log";
    failed_file_ = dir_ + "/failed-orders.jsonl";
    const auto created =
        run("admin create-topic " + topic_ + " -p 5 -r 3 -c min.insync.replicas=2");
    if (created.exit_code != 0) {
        throw std::runtime_error("cannot create " + topic_ + ":\n" + created.output);
    }
}

CaseRun::~CaseRun() {
    producer_.reset();
    consumers_.clear();
}

std::map<std::string, std::string> CaseRun::env(
    const std::map<std::string, std::string>& extra) const {
    std::map<std::string, std::string> result = {
        {"KAFKA_BOOTSTRAP_SERVERS", stack_.kafka().bootstrap_servers()},
        {"REDIS_URL", redis_url_},
        {"SCHEMA_REGISTRY_URL", stack_.registry().url()},
        {"ORDERS_TOPIC", topic_},
        {"DLQ_TOPIC", topic_ + ".dlq"},
        {"AUDIT_GROUPS", auto_ + "," + batch_},
        {"FAILED_ORDERS_FILE", failed_file_},
        {"ORDERFLOW_ENV_FILE", dir_ + "/no.env"},
        {"LOG_LEVEL", "info"}};
    for (const auto& [key, value] : extra) {
        result[key] = value;
    }
    return result;
}

CommandResult CaseRun::run(const std::string& args,
                           const std::map<std::string, std::string>& extra) const {
    return run_orderflow(args, env(extra));
}

void CaseRun::start_consumer(bool auto_commit, const std::map<std::string, std::string>& extra) {
    if (ports_.count(auto_commit) == 0) {
        ports_[auto_commit] = free_port();
    }
    auto variables = env({{"AUTO_COMMIT", auto_commit ? "true" : "false"},
                          {"CONSUMER_GROUP", group(auto_commit)},
                          // A partial batch is written after a second once orders stop, so a
                          // case drains without stopping the batch consumer.
                          {"BATCH_TIMEOUT", "1s"},
                          {"REDIS_TIMEOUT", "1s"},
                          {"REDIS_RETRY_MAX_BACKOFF", "1s"},
                          {"COMMIT_TIMEOUT", "5s"},
                          {"METRICS_PORT", std::to_string(ports_[auto_commit])}});
    for (const auto& [key, value] : extra) {
        variables[key] = value;
    }
    const auto log = dir_ + "/consumer-" + (auto_commit ? "auto-" : "batch-") +
                     std::to_string(++starts_[auto_commit]) + ".log";
    consumers_[auto_commit] = std::make_unique<ChildProcess>(
        std::vector<std::string>{orderflow_binary(), "consume"}, variables, log);
}

void CaseRun::kill_consumer(bool auto_commit) {
    auto& process = consumers_.at(auto_commit);
    process->send_signal(SIGKILL);
    process->wait(seconds(10));
}

void CaseRun::stop_consumer(bool auto_commit) {
    auto& process = consumers_.at(auto_commit);
    process->send_signal(SIGTERM);
    process->wait(seconds(60));
}

void CaseRun::start_producer(int count, int rate, const std::map<std::string, std::string>& extra) {
    producer_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{orderflow_binary(), "produce", "--count", std::to_string(count),
                                 "--rate", std::to_string(rate), "--ack-log", ack_log_},
        env(extra), dir_ + "/producer.log");
}

std::vector<std::string> CaseRun::acknowledged() const {
    std::vector<std::string> ids;
    for (const auto& line : complete_lines(ack_log_)) {
        ids.push_back(line.substr(0, line.find(' ')));
    }
    return ids;
}

std::vector<std::string> CaseRun::failed() const {
    static const std::regex id(R"re("order_id":"([^"]+)")re");
    std::vector<std::string> ids;
    for (const auto& line : complete_lines(failed_file_)) {
        std::smatch match;
        if (std::regex_search(line, match, id)) {
            ids.push_back(match[1]);
        }
    }
    return ids;
}

bool CaseRun::wait_acknowledged(std::size_t count, std::chrono::milliseconds timeout) const {
    return wait_until([&] { return complete_lines(ack_log_).size() >= count; }, timeout,
                      milliseconds(200));
}

}  // namespace orderflow::test::chaos
