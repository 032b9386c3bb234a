// `orderflow console` as the console's Redis user: its overview, key browser, order trace and
// the audit it runs (with the same REDIS_URL) all work with the read-only user, and nothing it
// does is refused.

#include "acl_redis.h"
#include "integration/console/console_harness.h"
#include "redis/key_names.h"
#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

TEST(AclConsoleProcess, TheConsoleReadsEverythingItShowsAsItsReadOnlyUser) {
    AclRedis redis;
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto group = pipeline.auto_group;
    auto consumer = pipeline.start_consumer(
        true, {{"REDIS_URL", redis::format_redis_url(redis.endpoint("admin"))}});
    ASSERT_EQ(pipeline.run("produce --count 5 --interval 10ms --seed 9").exit_code, 0);
    redis::Connection admin(redis.endpoint("admin"));
    const auto orders = [&] {
        return admin.command({"KEYS", redis::order_key_pattern(group)}).elements;
    };
    ASSERT_TRUE(wait_until([&] { return orders().size() == 5U; }, seconds(60)))
        << consumer->output();

    ConsoleProcess console(pipeline,
                           {{"REDIS_URL", redis::format_redis_url(redis.endpoint("console"))},
                            {"CONSOLE_CONSUMER_URLS", group + "=http://127.0.0.1:1"}});
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
    const auto keys = console.get("/api/redis/keys?pattern=order:" + group + ":*&count=100");
    ASSERT_EQ(keys.status, 200) << keys.body;
    EXPECT_EQ(keys.json()["keys"].size(), 5U) << keys.body;
    const auto key = orders().front().str;
    const auto value = console.get("/api/redis/keys/" + key);
    EXPECT_EQ(value.status, 200) << value.body;
    const auto order_id = redis::order_id_of(group, key).value_or("");
    const auto trace = console.get("/api/orders/" + order_id);
    ASSERT_EQ(trace.status, 200) << trace.body;
    EXPECT_TRUE(trace.json()["groups"][group].is_object()) << trace.body;

    nlohmann::json audit;
    ASSERT_TRUE(wait_until(
        [&] {
            audit = console.get("/api/audit").json();
            return !audit["computed_at_ms"].is_null();
        },
        seconds(90), std::chrono::milliseconds(500)))
        << audit.dump();
    EXPECT_EQ(audit["clean"], true) << audit.dump() << console.output();
    EXPECT_EQ(console.output().find("NOPERM"), std::string::npos) << console.output();
    EXPECT_EQ(console.output().find(redis.password("console")), std::string::npos);
}

}  // namespace
}  // namespace orderflow::test
