// The console's and the audit's Redis users, from the ACL file scripts/lib/redis-acl.sh writes,
// through their code (libs/redis_browser, libs/audit): they read every group's orders and may
// change nothing.

#include "acl_redis.h"
#include "audit/audit_compare.h"
#include "audit/store_reader.h"
#include "orders/generator.h"
#include "redis/key_names.h"
#include "redis/order_store.h"
#include "redis_browser/key_browser.h"
#include "redis_browser/order_views.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

const std::vector<std::string> kGroups = {"orders-auto", "orders-batch"};

class AclReadersTest : public test::AclRedisTest {
protected:
    // Both consumers store the same orders, each as its own user.
    void SetUp() override {
        AclRedisTest::SetUp();
        orders::OrderGenerator generator(9, 2);
        for (std::int64_t offset = 0; offset < 4; ++offset) {
            orders_.push_back(generator.next());
        }
        for (const auto& group : kGroups) {
            Connection connection(
                redis_->endpoint(group == "orders-auto" ? "consumer-auto" : "consumer-batch"));
            OrderStore store(connection, group);
            std::vector<StoreEntry> entries;
            for (std::size_t i = 0; i < orders_.size(); ++i) {
                entries.push_back({"orders", 0, static_cast<std::int64_t>(i), orders_[i]});
            }
            ASSERT_EQ(store.write(entries, 1).size(), orders_.size());
        }
    }

    /// Every write and server command the readers' code never sends: NOPERM for `user`.
    static void expect_no_writes(Connection& connection) {
        const auto key = order_key("orders-auto", 0, "o-1");
        for (const Command& command :
             {Command{"HSET", key, "status", "x"}, Command{"DEL", key}, Command{"SET", "x", "1"},
              Command{"FLUSHALL"}, Command{"FLUSHDB"}, Command{"CONFIG", "SET", "appendonly", "no"},
              Command{"KEYS", "*"}, Command{"EVAL", "return 1", "0"},
              Command{"SCRIPT", "LOAD", "return 1"}, Command{"FUNCTION", "LOAD", "#!lua name=x"},
              Command{"FUNCTION", "FLUSH"},
              Command{"FCALL", store_library().function, "2", stats_key("orders-auto", 0),
                      offsets_key("orders-auto", 0)}}) {
            const auto reply = connection.command(command);
            EXPECT_TRUE(reply.str.starts_with("NOPERM"))
                << connection.user() << " " << command[0] << ": " << reply.str;
        }
    }

    std::vector<orders::Order> orders_;
};

TEST_F(AclReadersTest, TheConsoleBrowsesKeysAndReadsEveryGroupsOrders) {
    Connection console(redis_->endpoint("console"));
    EXPECT_EQ(console.command({"PING"}).str, "PONG");  // the overview's probe

    redis_browser::ScanRequest scan;
    scan.count = 1000;
    const auto page = redis_browser::scan_keys(console, scan);
    EXPECT_EQ(page.cursor, "0");
    EXPECT_GE(page.keys.size(), 2 * orders_.size());
    for (const auto& key : page.keys) {
        ASSERT_TRUE(redis_browser::key_details(console, key.key).has_value()) << key.key;
    }

    EXPECT_EQ(redis_browser::discover_groups(console), kGroups);
    const auto stats = redis_browser::group_stats(console, kGroups);
    ASSERT_EQ(stats.groups.size(), 2U);
    EXPECT_EQ(stats.groups[1].orders, static_cast<std::int64_t>(orders_.size()));

    const auto order = redis_browser::lookup_order(console, kGroups, orders_[0].order_id);
    EXPECT_TRUE(order.groups.at("orders-auto").has_value());
    EXPECT_TRUE(order.groups.at("orders-batch").has_value());
    const auto customer =
        redis_browser::lookup_customer(console, kGroups, orders_[0].customer_id, 10);
    EXPECT_TRUE(customer.found());
}

TEST_F(AclReadersTest, TheConsoleMayChangeNothing) {
    Connection console(redis_->endpoint("console"));
    expect_no_writes(console);
}

// The console runs `orderflow audit` with its own REDIS_URL: its user must read the same.
TEST_F(AclReadersTest, TheAuditReadsEveryGroupsStoreAsTheAuditOrTheConsoleUser) {
    audit::LogIndex log({{0, static_cast<std::int64_t>(orders_.size())}});
    for (std::size_t i = 0; i < orders_.size(); ++i) {
        log.add_order(orders_[i], {0, static_cast<std::int64_t>(i)});
    }
    for (const std::string user : {"audit", "console"}) {
        Connection reader(redis_->endpoint(user));
        for (const auto& group : kGroups) {
            const auto stats = OrderStore(reader, group).stats();
            EXPECT_EQ(stats.processed, static_cast<std::int64_t>(orders_.size()));
            audit::GroupAudit compared(log, group, {{0, static_cast<std::int64_t>(orders_.size())}},
                                       stats);
            audit::read_store(reader, group, compared);
            const auto findings = compared.finish();
            EXPECT_EQ(findings.stored, static_cast<std::int64_t>(orders_.size())) << group;
            EXPECT_TRUE(findings.differences.empty()) << user << " " << group;
        }
    }
}

TEST_F(AclReadersTest, TheAuditMayChangeNothing) {
    Connection audit(redis_->endpoint("audit"));
    expect_no_writes(audit);
}

}  // namespace
}  // namespace orderflow::redis
