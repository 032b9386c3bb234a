#include "audit/audit_compare.h"

#include <gtest/gtest.h>

namespace orderflow::audit {
namespace {

orders::Order make_order(const std::string& id, const std::string& customer, std::int64_t total) {
    orders::Order order;
    order.order_id = id;
    order.customer_id = customer;
    order.items = {{"SKU-1", "Thing", 1, total}};
    order.total_cents = total;
    order.currency = "EUR";
    order.created_at_ms = 1700000000000;
    order.shipping_country = "DE";
    return order;
}

/// The hash the store writes for `order` at `at`, as the audit reads it (HMGET order).
std::vector<std::optional<std::string>> stored(const orders::Order& order, Position at) {
    std::vector<std::optional<std::string>> values;
    for (auto& [name, value] : redis::order_fields(order)) {
        values.emplace_back(value);
    }
    values.emplace_back(std::to_string(at.first));
    values.emplace_back(std::to_string(at.second));
    return values;
}

const auto o1 = make_order("o1", "a", 100);
const auto o2 = make_order("o2", "a", 250);
const auto o3 = make_order("o3", "b", 40);

// Two orders of customer a, one of b; partition 0 ends at 2, partition 1 at 1.
LogIndex log_of_three() {
    LogIndex log({{0, 2}, {1, 1}, {2, 0}});
    log.set_topic("orders");
    log.add_order(o1, {0, 0});
    log.add_order(o2, {1, 0});
    log.add_order(o3, {0, 1});
    return log;
}

struct Group {
    std::map<std::int32_t, std::int64_t> committed = {{0, 2}, {1, 1}, {2, 0}};
    redis::GroupStats stats{3, 0, 0, std::nullopt};
    std::vector<std::pair<std::string, std::vector<std::optional<std::string>>>> orders = {
        {"o1", stored(o1, {0, 0})}, {"o2", stored(o2, {1, 0})}, {"o3", stored(o3, {0, 1})}};
    std::map<std::string, CustomerSnapshot> customers = {{"a", {2, 350, {"o1", "o2"}}},
                                                         {"b", {1, 40, {"o3"}}}};

    Findings audit(const LogIndex& log) const {
        GroupAudit audit(log, "g", committed, stats);
        for (const auto& [id, values] : orders) {
            audit.add_stored(id, values);
        }
        for (const auto& [customer, snapshot] : customers) {
            audit.add_customer(customer, snapshot);
        }
        return audit.finish();
    }
};

TEST(AuditCompare, TheComparedFieldsAreTheStoredOnes) {
    const auto fields = redis::order_fields(o1);
    ASSERT_EQ(fields.size(), kComparedFields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        EXPECT_EQ(fields[i].first, kComparedFields[i]);
    }
}

TEST(AuditCompare, ConsistentGroupHasNoDifferencesAndNothingInFlight) {
    const auto log = log_of_three();
    const auto findings = Group{}.audit(log);
    EXPECT_TRUE(findings.differences.empty()) << findings.differences[0];
    EXPECT_EQ(findings.in_flight(), 0);
    EXPECT_EQ(findings.stored, 3);
    EXPECT_EQ(findings.customers, 2);
}

TEST(AuditCompare, EveryStoredFieldIsCompared) {
    const auto log = log_of_three();
    for (std::size_t field = 0; field < kComparedFields.size(); ++field) {
        if (std::string(kComparedFields[field]) == "order_id") {
            continue;
        }
        Group group;
        group.orders[0].second[field] = "tampered";
        const auto findings = group.audit(log);
        bool named = false;
        for (const auto& text : findings.differences) {
            named = named || text.find(std::string("order o1 (partition 0 offset 0) differs "
                                                   "from the topic in: ") +
                                       kComparedFields[field] + " 'tampered'") != std::string::npos;
        }
        EXPECT_TRUE(named) << kComparedFields[field];
    }
}

TEST(AuditCompare, MissingOrderBelowTheCommittedOffset) {
    const auto log = log_of_three();
    Group group;
    group.orders.erase(group.orders.begin() + 1);  // o2
    const auto findings = group.audit(log);
    ASSERT_GE(findings.differences.size(), 2U);
    EXPECT_EQ(findings.differences[0],
              "customer a's sorted set names order o2, which is not stored");
    bool missing = false;
    for (const auto& text : findings.differences) {
        missing = missing || text ==
                                 "missing order o2 (partition 1 offset 0, below the "
                                 "committed offset 1)";
    }
    EXPECT_TRUE(missing);
}

// A live pipeline: partition 1 is not committed yet and its order not stored; an order of
// partition 0 past the cut is stored already. Nothing differs, both are in flight.
TEST(AuditCompare, OrdersInFlightAreNotDifferences) {
    const auto log = log_of_three();
    Group group;
    group.committed[1] = 0;
    group.orders.erase(group.orders.begin() + 1);
    const auto late = make_order("o4", "b", 7);
    group.orders.push_back({"o4", stored(late, {0, 2})});
    group.customers["a"] = {1, 100, {"o1"}};
    group.customers["b"] = {2, 47, {"o3", "o4"}};
    group.stats.processed = 3;
    const auto findings = group.audit(log);
    EXPECT_TRUE(findings.differences.empty()) << findings.differences[0];
    EXPECT_EQ(findings.not_yet_consumed, 1);
    EXPECT_EQ(findings.uncommitted, 1);
    EXPECT_EQ(findings.stored_past_cut, 1);
}

TEST(AuditCompare, UnexpectedOrderBelowTheCut) {
    const auto log = log_of_three();
    Group group;
    const auto stray = make_order("o9", "b", 5);
    group.orders.push_back({"o9", stored(stray, {0, 1})});
    group.customers["b"] = {2, 45, {"o3", "o9"}};
    const auto findings = group.audit(log);
    ASSERT_EQ(findings.differences.size(), 1U);
    EXPECT_EQ(findings.differences[0],
              "unexpected order o9 (customer b, stored at partition 0 offset 1) is not in the "
              "topic below the cut");
}

TEST(AuditCompare, AggregatesAreCheckedAgainstTheStoredOrders) {
    const auto log = log_of_three();
    Group group;
    group.customers["a"].total_spent_cents = 351;
    auto findings = group.audit(log);
    ASSERT_EQ(findings.differences.size(), 1U);
    EXPECT_NE(findings.differences[0].find("customer a aggregates differ from its stored orders: "
                                           "orders_count 2 (stored 2), total_spent_cents 351 "
                                           "(sum 350)"),
              std::string::npos);

    Group counted_twice;
    counted_twice.customers["b"].orders_count = 2;
    counted_twice.stats.processed = 4;
    findings = counted_twice.audit(log);
    ASSERT_EQ(findings.differences.size(), 2U);
    EXPECT_NE(findings.differences[0].find("customer b aggregates differ"), std::string::npos);
    EXPECT_EQ(findings.differences[1],
              "processed 4 but only 3 order(s) stored: an order was counted twice or deleted");

    Group not_in_set;
    not_in_set.customers["a"] = {1, 100, {"o1"}};
    findings = not_in_set.audit(log);
    ASSERT_EQ(findings.differences.size(), 1U);
    EXPECT_EQ(findings.differences[0],
              "order o2 is stored but not in the sorted set of its customer a");
}

TEST(AuditCompare, DeadLettersAreMatchedWithTheDeadLetterTopic) {
    // Two invalid messages in partition 2 (now ending at 2), both consumed.
    LogIndex with_invalid({{0, 2}, {1, 1}, {2, 2}});
    with_invalid.set_topic("orders");
    with_invalid.add_order(o1, {0, 0});
    with_invalid.add_order(o2, {1, 0});
    with_invalid.add_order(o3, {0, 1});
    with_invalid.add_invalid({2, 0});
    with_invalid.add_invalid({2, 1});
    with_invalid.add_dead_letter("g", "orders", {2, 0});
    with_invalid.add_dead_letter("g", "orders", {2, 0});  // sent twice after a redelivery
    with_invalid.add_dead_letter("other", "orders", {2, 1});
    Group group;
    group.committed[2] = 2;
    group.stats.dead_lettered = 2;
    auto findings = group.audit(with_invalid);
    ASSERT_EQ(findings.differences.size(), 2U);
    EXPECT_EQ(findings.differences[0],
              "invalid message at partition 2 offset 1 is below the committed offset but not in "
              "the dead-letter topic");
    EXPECT_NE(findings.differences[1].find("dead-lettered 2 but"), std::string::npos);

    with_invalid.add_dead_letter("g", "orders", {2, 1});
    with_invalid.add_dead_letter("g", "orders", {0, 1});  // o3 is a valid order
    findings = group.audit(with_invalid);
    ASSERT_EQ(findings.differences.size(), 1U);
    EXPECT_EQ(findings.differences[0],
              "the dead-letter topic holds partition 0 offset 1, which is not an invalid message "
              "of the topic");
}

// o3 at partition 0 offset 1 was dead-lettered for a schema id registered only later; once
// `orderflow dlq redrive` sent it back it decodes, and its dead letter is no difference.
TEST(AuditCompare, ADeadLetterThatWasRedrivenIsNoDifference) {
    auto log = log_of_three();
    log.add_dead_letter("g", "orders", {0, 1}, {0, 7});
    Group group;
    group.stats.dead_lettered = 1;
    auto findings = group.audit(log);
    ASSERT_EQ(findings.differences.size(), 1U) << "not redriven: a difference";
    EXPECT_NE(findings.differences[0].find("not an invalid message"), std::string::npos);

    log.add_redriven_copy({0, 6});  // a copy of another dead-letter record
    EXPECT_EQ(group.audit(log).differences.size(), 1U);
    log.add_redriven_copy({0, 7});
    EXPECT_TRUE(group.audit(log).differences.empty());
}

TEST(AuditCompare, ACommittedOffsetPastTheLogEndIsADifference) {
    const auto log = log_of_three();
    Group group;
    group.committed[0] = 3;
    const auto findings = group.audit(log);
    ASSERT_EQ(findings.differences.size(), 1U);
    EXPECT_EQ(findings.differences[0], "partition 0: committed 3 is past the log end 2");
}

TEST(AuditCompare, ReSentCopiesAreCountedOnce) {
    auto log = log_of_three();
    log.add_order(o1, {0, 5});
    EXPECT_EQ(log.resent(), 1);
    EXPECT_EQ(log.orders().size(), 3U);
    EXPECT_EQ(log.find("o1")->offset, 0);
}

// The store dead-letters an order id that comes back with other content: for the audit that
// copy is an invalid message, which the dead-letter topic must hold.
TEST(AuditCompare, ACopyWithOtherContentIsAnInvalidMessage) {
    LogIndex log({{0, 3}, {1, 1}, {2, 0}});
    log.set_topic("orders");
    log.add_order(o1, {0, 0});
    log.add_order(o2, {1, 0});
    log.add_order(o3, {0, 1});
    log.add_order(make_order("o1", "a", 999), {0, 2});
    EXPECT_EQ(log.resent(), 0);
    EXPECT_EQ(log.invalid(), (std::set<Position>{{0, 2}}));
    Group group;
    group.committed[0] = 3;
    group.stats.dead_lettered = 1;
    const auto findings = group.audit(log);
    ASSERT_EQ(findings.differences.size(), 2U);
    EXPECT_EQ(findings.differences[0],
              "invalid message at partition 0 offset 2 is below the committed offset but not in "
              "the dead-letter topic");
    log.add_dead_letter("g", "orders", {0, 2});
    EXPECT_TRUE(group.audit(log).differences.empty());
}

}  // namespace
}  // namespace orderflow::audit
