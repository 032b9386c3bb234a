#include "admin/admin_command.h"

#include "common/config_error.h"
#include "common/logging.h"
#include "redis/order_store.h"
#include "redis/redis_url.h"
#include "redis_cluster/open_client.h"

#include <spdlog/spdlog.h>

#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>

namespace orderflow::admin {
namespace {

std::string join(const std::vector<std::int32_t>& ids) {
    std::ostringstream s;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        s << (i == 0 ? "" : ",") << ids[i];
    }
    return s.str();
}

// Kafka's own rule (Topic.java): 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
void validate_topic_name(const std::string& name) {
    if (name.empty() || name.size() > 249 || name == "." || name == "..") {
        throw common::ConfigError("TOPIC",
                                  "'" + name + "' is not a legal topic name (1-249 chars)");
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            throw common::ConfigError("TOPIC", "'" + name +
                                                   "' is not a legal topic name: use only "
                                                   "letters, digits, '.', '_' and '-'");
        }
    }
}

void print_brokers(const std::vector<kafka::BrokerInfo>& brokers, std::ostream& out) {
    out << std::left << std::setw(6) << "ID" << std::setw(24) << "ADDRESS"
        << "CONTROLLER\n";
    for (const auto& b : brokers) {
        out << std::setw(6) << b.id << std::setw(24) << (b.host + ":" + std::to_string(b.port))
            << (b.is_controller ? "yes" : "") << "\n";
    }
}

void print_topics(const std::vector<kafka::TopicInfo>& topics, std::ostream& out) {
    out << std::left << std::setw(28) << "TOPIC" << std::setw(11) << "PARTITION" << std::setw(8)
        << "LEADER" << std::setw(12) << "REPLICAS"
        << "ISR\n";
    for (const auto& t : topics) {
        for (const auto& p : t.partitions) {
            out << std::setw(28) << t.name << std::setw(11) << p.id << std::setw(8) << p.leader
                << std::setw(12) << join(p.replicas) << join(p.isr) << "\n";
        }
    }
}

}  // namespace

kafka::TopicSpec to_topic_spec(const AdminRequest& request) {
    validate_topic_name(request.topic);
    if (request.partitions < 1) {
        throw common::ConfigError("--partitions",
                                  "must be at least 1, got " + std::to_string(request.partitions));
    }
    if (request.replication_factor < 1) {
        throw common::ConfigError(
            "--replication-factor",
            "must be at least 1, got " + std::to_string(request.replication_factor));
    }
    kafka::TopicSpec spec{request.topic, request.partitions, request.replication_factor, {}};
    for (const auto& config : request.configs) {
        const auto equals = config.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw common::ConfigError("--config", "expected key=value, got '" + config + "'");
        }
        spec.configs[config.substr(0, equals)] = config.substr(equals + 1);
    }
    return spec;
}

CLI::App* add_admin_command(CLI::App& app, AdminRequest& request) {
    auto* admin = app.add_subcommand("admin", "Inspect the Kafka cluster and create topics");
    admin->require_subcommand(1);
    kafka::add_client_options(*admin, request.client);
    admin->add_option("--timeout", request.timeout_s, "seconds to wait for the cluster")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);

    admin->add_subcommand("brokers", "List brokers: id, address, controller")->callback([&request] {
        request.action = AdminAction::kBrokers;
    });
    admin->add_subcommand("topics", "List topics: partitions, leader, replicas, ISR")
        ->callback([&request] { request.action = AdminAction::kTopics; });

    auto* create =
        admin->add_subcommand("create-topic", "Create a topic (no-op if it exists alike)");
    create->add_option("name", request.topic, "topic name")->required();
    create->add_option("--partitions,-p", request.partitions, "number of partitions")->required();
    create->add_option("--replication-factor,-r", request.replication_factor, "replicas")
        ->required();
    create->add_option("--config,-c", request.configs, "topic config key=value (repeatable)");
    create->callback([&request] { request.action = AdminAction::kCreateTopic; });

    // The consumers' users may only FCALL in the secure profile: an admin loads their library.
    auto* functions = admin->add_subcommand(
        "redis-functions", "Load the store's Redis function library (no-op if it is there)");
    functions
        ->add_option("--redis-url", request.redis_url,
                     "redis://[user:password@]host:port/db, or "
                     "redis-cluster://[user:password@]host:port,... "
                     "(a user that may FUNCTION LOAD)")
        ->envname("REDIS_URL")
        ->capture_default_str();
    functions->callback([&request] { request.action = AdminAction::kRedisFunctions; });
    return admin;
}

namespace {

int load_redis_functions(const AdminRequest& request, std::ostream& out) {
    const auto redis =
        redis_cluster::open_client(redis::parse_redis_target("REDIS_URL", request.redis_url));
    const bool loaded = redis::load_store_library(*redis);  // on every master of a cluster
    out << (loaded ? "loaded " : "present already ") << redis::store_library().name << "\n";
    return 0;
}

}  // namespace

int run_admin(const AdminRequest& request, std::ostream& out) {
    if (request.action == AdminAction::kRedisFunctions) {
        return load_redis_functions(request, out);  // no Kafka needed
    }
    // Validate before connecting: a bad argument must not wait for a broker.
    const auto spec =
        request.action == AdminAction::kCreateTopic ? to_topic_spec(request) : kafka::TopicSpec{};
    const auto timeout = std::chrono::milliseconds(static_cast<long>(request.timeout_s * 1000));
    kafka::AdminClient client(request.client.to_settings("orderflow-admin"), timeout);
    switch (request.action) {
        case AdminAction::kBrokers:
            print_brokers(client.brokers(), out);
            return 0;
        case AdminAction::kTopics:
            print_topics(client.topics(), out);
            return 0;
        case AdminAction::kCreateTopic: {
            const auto outcome = client.create_topic(spec);
            out << (outcome == kafka::CreateOutcome::kCreated ? "created " : "exists already ")
                << spec.name << " (" << spec.partitions << " partitions, replication factor "
                << spec.replication_factor << ")\n";
            return 0;
        }
        case AdminAction::kNone:
        case AdminAction::kRedisFunctions:  // answered above
            break;
    }
    throw common::ConfigError("admin", "choose brokers, topics, create-topic or redis-functions");
}

void register_admin_command(CLI::App& app, const common::CommandContext& context) {
    auto request = std::make_shared<AdminRequest>();
    auto* admin = add_admin_command(app, *request);
    admin->final_callback([request, &context] {
        common::init_logging("admin", context.log_level);
        if (const int code = run_admin(*request, std::cout); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::admin
