// `orderflow consume` and `orderflow console` against a Redis with the secure profile's ACL
// users (AclRedis), with real Kafka (the shared stack), a registry and produced orders.
// - A consumer whose user the ACL does not allow its group's keys holds the orders (nothing
//   stored, dead-lettered or committed) and says which user was refused what; once the ACL
//   allows the keys it writes them all, and the audit (as the audit user) finds the group clean.
// - The console as its read-only user: overview, key browser, order trace and the audit it runs
//   (with the same REDIS_URL) all work, and nothing it does is refused.

#include "acl_redis.h"
#include "integration/console/console_harness.h"
#include "redis/key_names.h"
#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

class AclProcessTest : public ::testing::Test {
protected:
    /// REDIS_URL of `user` with its password.
    std::string url(const std::string& user) const {
        return redis::format_redis_url(acl_redis_.endpoint(user));
    }
    /// The order hashes of the pipeline's auto group, read as admin.
    std::vector<std::string> stored_orders() {
        std::vector<std::string> keys;
        for (const auto& key :
             admin_.command({"KEYS", redis::order_key_pattern(group_)}).elements) {
            keys.push_back(key.str);
        }
        return keys;
    }

    AclRedis acl_redis_;
    RegistryProcess registry_;
    Pipeline pipeline_{registry_.url()};
    const std::string group_ = pipeline_.auto_group;  // not orders-auto: not consumer-auto's
    redis::Connection admin_{acl_redis_.endpoint("admin")};
};

TEST_F(AclProcessTest, ARefusedWriteHoldsTheOrdersUntilTheAclAllowsThem) {
    const auto stored = [&] { return stored_orders().size(); };
    const std::map<std::string, std::string> env = {{"REDIS_URL", url("consumer-auto")},
                                                    {"REDIS_RETRY_MAX_BACKOFF", "500ms"}};
    auto consumer = pipeline_.start_consumer(true, env);
    ASSERT_EQ(pipeline_.run("produce --count 6 --interval 5ms --seed 7", env).exit_code, 0);

    const std::string refused = "redis refused this consumer's user; ";
    const std::string watch_refused = "cannot watch redis for lost data";
    // The watch asks within a second of the assignment (a marker per assigned partition).
    ASSERT_TRUE(wait_until(
        [&] {
            const auto out = consumer->output();
            return out.find(refused) != std::string::npos &&
                   out.find(watch_refused) != std::string::npos;
        },
        seconds(60)))
        << consumer->output();
    const auto log = consumer->output();
    // The first thing refused: reading the group's offset marks, before any write.
    EXPECT_NE(log.find("refused to user \"consumer-auto\" by Redis's ACL (HGETALL offsets:{" +
                       group_ + ":"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("none dead-lettered"), std::string::npos) << log;
    const auto watch_line = log.find(watch_refused);
    EXPECT_NE(watch_line, std::string::npos) << log;
    EXPECT_EQ(log.find(watch_refused, watch_line + 1), std::string::npos) << log;  // said once
    EXPECT_EQ(log.find(acl_redis_.password("consumer-auto")), std::string::npos)
        << "password logged";
    EXPECT_EQ(stored(), 0U);
    for (const auto& [partition, offset] : committed_offsets(group_, pipeline_.topic)) {
        EXPECT_EQ(offset, -1) << "partition " << partition << " committed while held";
    }

    // The ACL now allows the group's keys: the held orders are written, none dead-lettered.
    const redis::Command allow = {"ACL",
                                  "SETUSER",
                                  "consumer-auto",
                                  "~" + redis::order_key_pattern(group_),
                                  "~" + redis::customer_key_pattern(group_),
                                  "~stats:{" + group_ + ":*",
                                  "~offsets:{" + group_ + ":*",
                                  "~watch:{" + group_ + ":*",
                                  "~" + redis::partitions_key(group_)};
    ASSERT_EQ(admin_.command(allow).str, "OK");
    ASSERT_TRUE(wait_until([&] { return stored() == 6U; }, seconds(60))) << consumer->output();
    const auto audit = pipeline_.audit_until_clean(
        seconds(60), {{"REDIS_URL", url("audit")}, {"AUDIT_GROUPS", group_}});
    EXPECT_EQ(audit.exit_code, 0) << audit.output << consumer->output();
    EXPECT_TRUE(read_topic(pipeline_.dlq_topic, 1, seconds(2)).empty());
}

TEST_F(AclProcessTest, TheConsoleReadsEverythingItShowsAsItsReadOnlyUser) {
    auto consumer = pipeline_.start_consumer(true, {{"REDIS_URL", url("admin")}});
    ASSERT_EQ(pipeline_.run("produce --count 5 --interval 10ms --seed 9").exit_code, 0);
    ASSERT_TRUE(wait_until([&] { return stored_orders().size() == 5U; }, seconds(60)))
        << consumer->output();

    ConsoleProcess console(pipeline_, {{"REDIS_URL", url("console")},
                                       {"CONSOLE_CONSUMER_URLS", group_ + "=http://127.0.0.1:1"}});
    nlohmann::json overview;
    ASSERT_TRUE(wait_until(
        [&] {
            overview = console.get("/api/overview").json();
            for (const auto& part : overview["parts"]) {
                if (part["name"] == "redis") {
                    return part["health"] == "up";
                }
            }
            return false;
        },
        seconds(30), std::chrono::milliseconds(500)))
        << overview.dump();

    const auto groups = console.get("/api/redis/groups");
    ASSERT_EQ(groups.status, 200) << groups.body;
    EXPECT_EQ(groups.json()["groups"][0]["orders"], 5) << groups.body;
    const auto keys = console.get("/api/redis/keys?pattern=order:%7B" + group_ + ":*&count=100");
    ASSERT_EQ(keys.status, 200) << keys.body;
    EXPECT_EQ(keys.json()["keys"].size(), 5U) << keys.body;
    const auto key = stored_orders().front();
    const auto value = console.get("/api/redis/keys/" + key);
    EXPECT_EQ(value.status, 200) << value.body;
    const auto order_id = redis::order_id_of(group_, key).value_or("");
    const auto trace = console.get("/api/orders/" + order_id);
    ASSERT_EQ(trace.status, 200) << trace.body;
    EXPECT_TRUE(trace.json()["groups"][group_].is_object()) << trace.body;

    // The audit the console runs as a child, with the console's REDIS_URL.
    nlohmann::json audit;
    const auto audited = [&] {
        audit = console.get("/api/audit").json();
        return audit["clean"] == true;
    };
    EXPECT_TRUE(wait_until(audited, seconds(90), std::chrono::milliseconds(500)))
        << audit.dump() << console.output();
    EXPECT_EQ(console.output().find("NOPERM"), std::string::npos) << console.output();
    EXPECT_EQ(console.output().find(acl_redis_.password("console")), std::string::npos);
}

}  // namespace
}  // namespace orderflow::test
