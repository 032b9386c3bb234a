#include "audit/audit_compare.h"

#include <gtest/gtest.h>

namespace orderflow::audit {
namespace {

// Two orders of customer a, one of b, all consumed and committed.
LogContents log_of_three() {
    LogContents log;
    log.orders = {{"o1", {"a", 100, 0, 0}}, {"o2", {"a", 250, 1, 0}}, {"o3", {"b", 40, 0, 1}}};
    log.messages = 3;
    log.end_offsets = {{0, 2}, {1, 1}, {2, 0}};
    return log;
}

GroupState consistent_state() {
    GroupState state;
    state.group = "g";
    state.orders = {{"o1", {"a", 100}}, {"o2", {"a", 250}}, {"o3", {"b", 40}}};
    state.customers = {{"a", {2, 350, 2}}, {"b", {1, 40, 1}}};
    state.stats = {3, 0, 0};
    state.committed = {{0, 2}, {1, 1}};
    return state;
}

TEST(AuditCompare, ConsistentGroupHasNoDifferences) {
    EXPECT_TRUE(compare(log_of_three(), consistent_state()).empty());
}

TEST(AuditCompare, DuplicatesSkippedAreNotADifference) {
    auto state = consistent_state();
    state.stats.duplicates_skipped = 7;
    EXPECT_TRUE(compare(log_of_three(), state).empty());
}

TEST(AuditCompare, MissingOrderAndItsAggregates) {
    auto state = consistent_state();
    state.orders.erase("o2");
    state.customers["a"] = {1, 100, 1};
    state.stats.processed = 2;
    const auto differences = compare(log_of_three(), state);
    ASSERT_EQ(differences.size(), 2U);
    EXPECT_EQ(differences[0], "missing order o2 (partition 1 offset 0)");
    EXPECT_NE(differences[1].find("customer a aggregates differ: orders_count 1 (sum 2)"),
              std::string::npos);
}

TEST(AuditCompare, UnexpectedOrderAndCustomer) {
    auto state = consistent_state();
    state.orders["o9"] = {"z", 5};
    state.customers["z"] = {1, 5, 1};
    const auto differences = compare(log_of_three(), state);
    ASSERT_EQ(differences.size(), 2U);
    EXPECT_EQ(differences[0], "unexpected order o9 (customer z) is not in the topic");
    EXPECT_EQ(differences[1], "unexpected customer z with 1 order(s)");
}

TEST(AuditCompare, DoubleCountedOrderIsADuplicate) {
    auto state = consistent_state();
    state.customers["b"] = {2, 80, 1};
    state.stats.processed = 4;
    const auto differences = compare(log_of_three(), state);
    ASSERT_EQ(differences.size(), 2U);
    EXPECT_EQ(differences[0], "duplicated orders: processed 4 but the topic has 3 distinct orders");
    EXPECT_NE(differences[1].find("customer b aggregates differ"), std::string::npos);
}

TEST(AuditCompare, ChangedOrderIsReported) {
    auto state = consistent_state();
    state.orders["o1"].total_cents = 101;
    const auto differences = compare(log_of_three(), state);
    ASSERT_EQ(differences.size(), 1U);
    EXPECT_NE(differences[0].find("order o1 differs"), std::string::npos);
}

TEST(AuditCompare, DeadLetteredMustMatchInvalidMessages) {
    auto log = log_of_three();
    log.invalid = 2;
    auto state = consistent_state();
    state.stats.dead_lettered = 1;
    const auto differences = compare(log, state);
    ASSERT_EQ(differences.size(), 1U);
    EXPECT_EQ(differences[0], "dead-lettered 1 but the topic has 2 invalid message(s)");
}

TEST(AuditCompare, CommittedOffsetsMustReachTheLogEnd) {
    auto state = consistent_state();
    state.committed = {{0, 1}};
    const auto differences = compare(log_of_three(), state);
    ASSERT_EQ(differences.size(), 2U);
    EXPECT_EQ(differences[0], "partition 0: committed 1, log end 2");
    EXPECT_EQ(differences[1], "partition 1: committed nothing, log end 1");
}

}  // namespace
}  // namespace orderflow::audit
