#pragma once

// The private stack a chaos run breaks: a 3-node Kafka cluster, Redis with AOF (scripts/
// redis.sh), the registry, a 6-node Redis Cluster for the cluster cases (started with the first
// of them), and per case a topic, both consumers and a producer writing its acknowledgement log.
// Started once per run; nothing of it is shared with other tests.

#include "integration/redis_cluster/real_cluster.h"
#include "support/test_support.h"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace orderflow::test::chaos {

/// redis-server with AOF on (scripts/redis.sh) in its own dir, which can be killed, restarted
/// and rolled back to an older copy of its data.
class AofRedis {
public:
    explicit AofRedis(std::string dir);
    ~AofRedis();
    AofRedis(const AofRedis&) = delete;
    AofRedis& operator=(const AofRedis&) = delete;

    const std::string& url() const { return url_; }
    void start();  // and wait until it answers
    void kill9();
    /// A point-in-time copy of the running Redis's data (an RDB over the replication link).
    void snapshot(const std::string& path) const;
    /// Replaces the (stopped) Redis's AOF with `path` as its only base file.
    void restore(const std::string& path) const;

private:
    std::string script(const std::string& command) const;
    std::string dir_;
    std::string port_;
    std::string url_;
};

/// `orderflow registry` on the private cluster: its port, topic and group stay across restarts.
class Registry {
public:
    Registry(std::string bootstrap, std::string dir);
    const std::string& url() const { return url_; }
    void start();  // and wait until /ready
    void kill9();

private:
    std::string bootstrap_;
    std::string dir_;
    std::uint16_t port_;
    std::string url_;
    std::string topic_;
    std::string group_;
    int starts_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

class Stack {
public:
    explicit Stack(std::string dir);
    KafkaCluster& kafka() { return kafka_; }
    AofRedis& redis() { return redis_; }
    Registry& registry() { return registry_; }
    const std::string& dir() const { return dir_; }
    /// The Redis Cluster (3 masters, 3 replicas, node timeout 1 s), started on the first call.
    RealCluster& redis_cluster();
    /// Its REDIS_URL (redis-cluster://, every node a seed).
    std::string redis_cluster_url();

    /// The leader of `topic`'s `partition` (node 1..3), -1 when unknown.
    int partition_leader(const std::string& topic, int partition) const;
    /// The active KRaft controller (node 1..3), -1 when unknown.
    int active_controller() const;

private:
    std::string dir_;
    KafkaCluster kafka_;
    AofRedis redis_;
    Registry registry_;
    std::unique_ptr<RealCluster> redis_cluster_;
};

/// One case's pipeline: its topic, the two groups, their consumers and the producer, all on the
/// Redis `redis_url` names (the stack's single Redis or its cluster).
class CaseRun {
public:
    CaseRun(Stack& stack, const std::string& name, std::string redis_url);
    ~CaseRun();

    const std::string& redis_url() const { return redis_url_; }
    const std::string& topic() const { return topic_; }
    const std::string& group(bool auto_commit) const { return auto_commit ? auto_ : batch_; }
    const std::string& dir() const { return dir_; }
    const std::string& ack_log() const { return ack_log_; }
    const std::string& failed_file() const { return failed_file_; }
    Stack& stack() { return stack_; }

    /// The environment every orderflow command of this case runs with, plus `extra`.
    std::map<std::string, std::string> env(
        const std::map<std::string, std::string>& extra = {}) const;
    /// `orderflow <args>` to completion.
    CommandResult run(const std::string& args,
                      const std::map<std::string, std::string>& extra = {}) const;

    void start_consumer(bool auto_commit, const std::map<std::string, std::string>& extra = {});
    void kill_consumer(bool auto_commit);  // kill -9 and reap
    /// SIGTERM and wait: what it holds is written and committed.
    void stop_consumer(bool auto_commit);
    ChildProcess& consumer(bool auto_commit) { return *consumers_.at(auto_commit); }
    std::uint16_t consumer_port(bool auto_commit) const { return ports_.at(auto_commit); }

    void start_producer(int count, int rate, const std::map<std::string, std::string>& extra = {});
    ChildProcess& producer() { return *producer_; }

    /// Complete lines of the ack log: the order ids the cluster acknowledged.
    std::vector<std::string> acknowledged() const;
    /// Order ids in the failed-orders file.
    std::vector<std::string> failed() const;
    /// Waits until the ack log has `count` lines (false after `timeout`).
    bool wait_acknowledged(std::size_t count, std::chrono::milliseconds timeout) const;

private:
    Stack& stack_;
    std::string name_;
    std::string redis_url_;
    std::string topic_;
    std::string auto_;
    std::string batch_;
    std::string dir_;
    std::string ack_log_;
    std::string failed_file_;
    std::map<bool, std::unique_ptr<ChildProcess>> consumers_;
    std::map<bool, std::map<std::string, std::string>> consumer_env_;
    std::map<bool, std::uint16_t> ports_;
    std::map<bool, int> starts_;
    std::unique_ptr<ChildProcess> producer_;
};

}  // namespace orderflow::test::chaos
