#include "admin/admin_command.h"
#include "common/config_error.h"

#include <gtest/gtest.h>

#include <sstream>

namespace orderflow::admin {
namespace {

// Parses `orderflow admin ...` into a fresh request, as the real binary does.
AdminRequest parse(std::vector<std::string> args) {
    CLI::App app;
    AdminRequest request;
    add_admin_command(app, request);
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
    app.parse(args);
    return request;
}

TEST(AdminArgs, CreateTopicReadsAllArguments) {
    const auto r =
        parse({"admin", "create-topic", "orders", "--partitions", "5", "--replication-factor", "3",
               "--config", "min.insync.replicas=2", "-c", "retention.ms=1000"});
    EXPECT_EQ(r.action, AdminAction::kCreateTopic);
    const auto spec = to_topic_spec(r);
    EXPECT_EQ(spec.name, "orders");
    EXPECT_EQ(spec.partitions, 5);
    EXPECT_EQ(spec.replication_factor, 3);
    EXPECT_EQ(spec.configs.at("min.insync.replicas"), "2");
    EXPECT_EQ(spec.configs.at("retention.ms"), "1000");
}

TEST(AdminArgs, CreateTopicRequiresPartitionsAndReplicationFactor) {
    EXPECT_THROW(parse({"admin", "create-topic", "orders", "--partitions", "5"}),
                 CLI::RequiredError);
    EXPECT_THROW(parse({"admin", "create-topic", "--partitions", "5", "-r", "3"}),
                 CLI::RequiredError);
}

TEST(AdminArgs, RejectsNonNumericPartitions) {
    EXPECT_THROW(parse({"admin", "create-topic", "t", "-p", "five", "-r", "3"}),
                 CLI::ConversionError);
}

TEST(AdminArgs, RejectsBadTopicSpecsNamingTheArgument) {
    auto r = parse({"admin", "create-topic", "bad name!", "-p", "1", "-r", "1"});
    EXPECT_THROW(to_topic_spec(r), common::ConfigError);
    r = parse({"admin", "create-topic", "ok", "-p", "0", "-r", "1"});
    try {
        to_topic_spec(r);
        FAIL();
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), "--partitions");
    }
    r = parse({"admin", "create-topic", "ok", "-p", "1", "-r", "0"});
    EXPECT_THROW(to_topic_spec(r), common::ConfigError);
    r = parse({"admin", "create-topic", "ok", "-p", "1", "-r", "1", "-c", "noequals"});
    EXPECT_THROW(to_topic_spec(r), common::ConfigError);
    r = parse({"admin", "create-topic", std::string(250, 'a'), "-p", "1", "-r", "1"});
    EXPECT_THROW(to_topic_spec(r), common::ConfigError);
}

TEST(AdminArgs, BadBootstrapServersStopBeforeConnecting) {
    auto r = parse({"admin", "--bootstrap-servers", "nope", "brokers"});
    EXPECT_EQ(r.action, AdminAction::kBrokers);
    std::ostringstream out;
    try {
        run_admin(r, out);
        FAIL();
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), "KAFKA_BOOTSTRAP_SERVERS");
    }
}

TEST(AdminArgs, RequiresAnAction) {
    EXPECT_THROW(parse({"admin"}), CLI::RequiredError);
    EXPECT_EQ(parse({"admin", "topics"}).action, AdminAction::kTopics);
}

}  // namespace
}  // namespace orderflow::admin
