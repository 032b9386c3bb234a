#pragma once

// What the pipeline's integration, robustness and e2e tests share: a registry, private topic
// and group names per test, `orderflow` runs with the right environment, raw Kafka access.

#include "support/test_support.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::test {

/// `orderflow registry` on a free port with its own schemas topic (or, when
/// ORDERFLOW_TEST_REGISTRY_URL is set and no `extra` settings are given, that registry). Ready
/// when constructed; `extra` settings (REGISTRY_AUTH_FILE, ...) win over its own.
class RegistryProcess {
public:
    explicit RegistryProcess(const std::map<std::string, std::string>& extra = {});
    const std::string& url() const { return url_; }
    /// The topic it keeps its schemas in (REGISTRY_TOPIC; "_schemas" for an outside one).
    const std::string& schemas_topic() const { return schemas_topic_; }

private:
    std::string url_;
    std::string schemas_topic_ = "_schemas";
    std::unique_ptr<ChildProcess> process_;
};

/// One test's private pipeline: topics, groups and the environment for `orderflow`.
struct Pipeline {
    explicit Pipeline(const std::string& registry_url);

    std::string topic;
    std::string dlq_topic;
    std::string auto_group;
    std::string batch_group;
    std::string registry_url;
    std::string work_dir;  ///< a fresh directory for logs and files

    /// KAFKA_BOOTSTRAP_SERVERS, REDIS_URL, SCHEMA_REGISTRY_URL, ORDERS_TOPIC, DLQ_TOPIC,
    /// AUDIT_GROUPS, LOG_LEVEL, plus `extra` (which wins).
    std::map<std::string, std::string> env(
        const std::map<std::string, std::string>& extra = {}) const;

    /// Runs `orderflow <args>` to completion with env(extra).
    CommandResult run(const std::string& args,
                      const std::map<std::string, std::string>& extra = {}) const;

    /// `orderflow consume` in the background, AUTO_COMMIT and CONSUMER_GROUP set for the mode.
    std::unique_ptr<ChildProcess> start_consumer(
        bool auto_commit,
        const std::map<std::string, std::string>& extra = {},
        const std::string& log_name = "") const;

    /// Runs `orderflow audit` (env(extra)) until it exits 0 or `timeout` passes; returns the
    /// last result.
    CommandResult audit_until_clean(std::chrono::milliseconds timeout,
                                    const std::map<std::string, std::string>& extra = {}) const;
};

/// A message as read back from a topic.
struct RawMessage {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> key;
    std::string value;
    std::map<std::string, std::string> headers;
};

/// Produces `value` with `key` (acks=all) and waits for the acknowledgement; returns the
/// partition and offset. Throws std::runtime_error on failure.
std::pair<std::int32_t, std::int64_t> produce_raw(const std::string& topic,
                                                  const std::string& key,
                                                  const std::string& value);

/// Every message of `topic` from the beginning, each position once, waiting up to `timeout` for at
/// least `expected`.
std::vector<RawMessage> read_topic(const std::string& topic,
                                   std::size_t expected,
                                   std::chrono::milliseconds timeout);

/// Per partition of `topic` (0..partitions-1): `group`'s committed offset (-1 when none),
/// read from `bootstrap` (the shared stack when empty). Throws std::runtime_error.
std::map<std::int32_t, std::int64_t> committed_offsets(const std::string& group,
                                                       const std::string& topic,
                                                       int partitions = 5,
                                                       const std::string& bootstrap = "");
/// Per partition, the log end (high watermark).
std::map<std::int32_t, std::int64_t> log_end_offsets(const std::string& topic,
                                                     int partitions = 5,
                                                     const std::string& bootstrap = "");
/// The broker id coordinating `group` (DescribeConsumerGroups), -1 when unknown.
int group_coordinator(const std::string& group, const std::string& bootstrap = "");

/// GET http://127.0.0.1:port/path: status (0 when unreachable) and body.
std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path);
/// The value of the first metric line starting with `series` (e.g. `name{group="g"}`), -1
/// when missing.
double metric_value(const std::string& metrics, const std::string& series);

/// orderflow_consumer_<name>{group="<group>"} in a /metrics text, -1 when missing.
double consumer_metric(const std::string& metrics,
                       const std::string& name,
                       const std::string& group);

/// A Redis of one test's own (so stopping or pausing it disturbs no other test), in `dir`.
/// Ready (answers PING) when constructed; throws std::runtime_error otherwise.
class PrivateRedis {
public:
    explicit PrivateRedis(const std::string& dir);
    const std::string& url() const { return url_; }
    void send_signal(int signal) { process_->send_signal(signal); }
    /// One command on a fresh connection: the reply text; throws std::runtime_error on an
    /// error reply.
    std::string command(const std::vector<std::string>& args) const;

private:
    std::string url_;
    std::unique_ptr<ChildProcess> process_;
};

/// Redis hash field of `key`, empty when missing.
std::string redis_hget(const std::string& key, const std::string& field);
/// Integer HGET, 0 when missing.
long long redis_hget_int(const std::string& key, const std::string& field);
/// Number of keys matching `pattern`.
std::size_t redis_count_keys(const std::string& pattern);
/// A field of the group's stats: the sum of its partitions' pieces (redis::group_stats).
long long redis_stat(const std::string& group, const std::string& field);
/// The key of the group's stored order (in whichever partition's tag holds it); empty when none.
std::string redis_order_key(const std::string& group, const std::string& order_id);
/// A field of the group's stored order, in whichever partition's tag holds it; empty when none.
std::string redis_order_field(const std::string& group,
                              const std::string& order_id,
                              const std::string& field);
/// A customer's integer field summed over the group's partitions (0 when none has it).
long long redis_customer_int(const std::string& group,
                             const std::string& customer_id,
                             const std::string& field);

}  // namespace orderflow::test
