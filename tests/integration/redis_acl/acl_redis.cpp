#include "acl_redis.h"

#include "redis/order_store.h"
#include "support/test_support.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace orderflow::test {
namespace {

std::string scripts_dir() {
    return repo_root() + "/scripts";
}

}  // namespace

AclRedis::AclRedis()
    : dir_(std::filesystem::temp_directory_path() / unique_name("redis-acl")),
      secrets_(dir_ / "secrets"),
      port_(free_port()) {
    std::filesystem::create_directories(dir_);
    const auto lib = scripts_dir() + "/lib/";
    const auto written = run_command(
        "bash -c " + shell_quote("set -euo pipefail; source " + lib + "proc.sh; source " + lib +
                                 "secrets.sh; source " + lib + "redis-acl.sh; redis_acl_write " +
                                 shell_quote(secrets_.string())));
    if (written.exit_code != 0) {
        throw std::runtime_error("redis_acl_write failed: " + written.output);
    }
    const auto started =
        redis_sh("start --acl-file " + shell_quote((secrets_ / "redis-users.acl").string()) +
                 " --admin-password-file " + shell_quote((secrets_ / "admin.password").string()));
    if (started.exit_code != 0) {
        throw std::runtime_error("redis.sh start failed: " + started.output);
    }
    reset();
}

AclRedis::~AclRedis() {
    redis_sh("stop");
    std::filesystem::remove_all(dir_);
}

AclRedis::ScriptResult AclRedis::redis_sh(const std::string& args) const {
    const auto result =
        run_command(shell_quote(scripts_dir() + "/redis.sh") + " " + args + " --dir " +
                    shell_quote((dir_ / "redis").string()) + " --port " + std::to_string(port_));
    return {result.exit_code, result.output};
}

std::string AclRedis::password(const std::string& user) const {
    std::ifstream in(secrets_ / (user + ".password"));
    std::string text;
    std::getline(in, text);
    return text;
}

redis::RedisEndpoint AclRedis::endpoint(const std::string& user) const {
    redis::RedisEndpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = port_;
    if (!user.empty()) {
        endpoint.user = user;
        endpoint.password = password(user);
    }
    return endpoint;
}

void AclRedis::reset() const {
    redis::Connection admin(endpoint("admin"));
    for (const redis::Command& command : {redis::Command{"FLUSHALL"}, {"ACL", "LOAD"}}) {
        const auto reply = admin.command(command);
        if (reply.is_error()) {
            throw std::runtime_error(command[0] + " failed: " + reply.str);
        }
    }
    // As `make up` does in the secure profile; on a new connection: ACL LOAD drops the old one.
    redis::Connection reloaded(endpoint("admin"));
    redis::load_store_library(reloaded);
}

AclRedis* AclRedisTest::redis_ = nullptr;

void AclRedisTest::SetUpTestSuite() {
    redis_ = new AclRedis();
}

void AclRedisTest::TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
}

void AclRedisTest::SetUp() {
    redis_->reset();
}

redis::Connection AclRedisTest::connect(const std::string& user) {
    return redis::Connection(redis_->endpoint(user));
}

void AclRedisTest::set_user_rule(const std::string& user, const std::string& rule) {
    const auto reply = connect("admin").command({"ACL", "SETUSER", user, rule});
    ASSERT_EQ(reply.str, "OK");
}

std::int64_t AclRedisTest::keys_in_redis() {
    // Every key but the groups' directories (partitions:<g>): a write adds its partitions
    // there in a command of its own, before the store function that may be refused.
    auto admin = connect("admin");
    std::int64_t keys = admin.command({"DBSIZE"}).integer;
    keys -= static_cast<std::int64_t>(admin.command({"KEYS", "partitions:*"}).elements.size());
    return keys;
}

}  // namespace orderflow::test
