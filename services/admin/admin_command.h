#pragma once

#include "common/command_context.h"
#include "kafka/admin_client.h"
#include "kafka/cli_options.h"

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace orderflow::admin {

enum class AdminAction { kNone, kBrokers, kTopics, kCreateTopic, kRedisFunctions };

/// What `orderflow admin ...` was asked to do, as parsed from the command line.
struct AdminRequest {
    AdminAction action = AdminAction::kNone;
    kafka::ClientOptions client;
    std::string topic;
    int partitions = 0;
    int replication_factor = 0;
    std::vector<std::string> configs;  // "k=v" as given
    double timeout_s = 10;
    std::string redis_url = "redis://127.0.0.1:6379/0";  // redis-functions only
};

/**
 * The topic to create, validated. Errors: common::ConfigError naming the argument for a bad
 * topic name, a partition count or replication factor below 1, or a config that is not k=v.
 */
kafka::TopicSpec to_topic_spec(const AdminRequest& request);

/// Adds `admin` with `brokers`, `topics`, `create-topic` and `redis-functions` to `app`; they
/// fill `request`.
CLI::App* add_admin_command(CLI::App& app, AdminRequest& request);

/// Runs the parsed request, printing tables to `out`. Returns the exit code.
int run_admin(const AdminRequest& request, std::ostream& out);

/// Registers `orderflow admin` in the top-level parser and runs it when chosen.
void register_admin_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::admin
