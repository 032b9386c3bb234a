#pragma once

// A private Redis started by scripts/redis.sh with the ACL file scripts/lib/redis-acl.sh writes
// (the secure profile's users, fresh passwords in a temp secrets dir), on a free port. One per
// test binary: starting it takes a fraction of a second, and each test empties it first.

#include "redis/connection.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace orderflow::test {

class AclRedis {
public:
    AclRedis();  // writes the secrets and starts Redis; throws std::runtime_error with the output
    ~AclRedis();
    AclRedis(const AclRedis&) = delete;
    AclRedis& operator=(const AclRedis&) = delete;

    /// `user` with its password from the secrets dir ("" user: no user, no password).
    redis::RedisEndpoint endpoint(const std::string& user) const;
    std::string password(const std::string& user) const;
    /// FLUSHALL and ACL LOAD as admin: no keys, the users exactly as in the file, and the store's
    /// library loaded by admin (as `make up` does).
    void reset() const;
    /// `redis.sh ARGS` with this Redis's dir and port; exit code and output.
    struct ScriptResult {
        int exit_code = -1;
        std::string output;
    };
    ScriptResult redis_sh(const std::string& args) const;

    const std::filesystem::path& secrets() const { return secrets_; }
    std::uint16_t port() const { return port_; }

private:
    std::filesystem::path dir_;
    std::filesystem::path secrets_;
    std::uint16_t port_ = 0;
};

/// A test suite on one AclRedis; every test starts from no keys and the file's users.
class AclRedisTest : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;

    /// `user` connected with its own password.
    static redis::Connection connect(const std::string& user);
    /// As admin: ACL SETUSER `user` `rule` (ACL LOAD in the next SetUp undoes it).
    static void set_user_rule(const std::string& user, const std::string& rule);
    /// Keys in Redis but the groups' directories of partitions.
    static std::int64_t keys_in_redis();

    static AclRedis* redis_;
};

}  // namespace orderflow::test
