#include "audit/audit_result.h"

#include <gtest/gtest.h>

namespace orderflow::audit {
namespace {

AuditResult two_groups() {
    AuditResult result;
    result.computed_at_ms = 1700000000123;
    result.topic = "orders";
    result.dlq_topic = "orders.dlq";
    result.partitions = 3;
    result.messages = 12;
    result.distinct_orders = 10;
    result.invalid = 1;
    result.resent = 1;
    result.dead_letter_records = 2;
    GroupResult a{"orders-auto", {10, 1, 1, std::nullopt}, {}};
    a.findings.stored = 10;
    a.findings.customers = 4;
    GroupResult b{"orders-batch", {8, 0, 1, std::nullopt}, {}};
    b.findings.stored = 8;
    b.findings.customers = 4;
    b.findings.not_yet_consumed = 2;
    result.groups = {a, b};
    return result;
}

TEST(AuditResult, OrdersInFlightAreNotSettledUnlessLive) {
    auto result = two_groups();
    EXPECT_FALSE(result.clean());
    EXPECT_EQ(result.exit_code(), 3);
    EXPECT_EQ(result.lines().back(),
              "AUDIT NOT SETTLED: no difference, but 2 order(s)/message(s) in flight; run it "
              "again, or with --live true");
    result.live = true;
    EXPECT_TRUE(result.clean());
    EXPECT_EQ(result.exit_code(), 0);
    EXPECT_EQ(result.lines().back(), "audit clean (2 in flight)");
}

TEST(AuditResult, TheReportHasTheTopicLineAndOneLinePerGroup) {
    auto result = two_groups();
    result.groups[1].findings.not_yet_consumed = 0;
    const auto lines = result.lines();
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[0],
              "topic orders: 12 message(s) in 3 partition(s), 10 distinct order(s), 1 invalid "
              "(for the DLQ), 1 re-sent copies below the cut; orders.dlq: 2 record(s)");
    EXPECT_EQ(lines[1],
              "group orders-auto: 10 order(s), 4 customer(s), processed 10, duplicates skipped "
              "1, dead-lettered 1; in flight: 0 order(s) not yet consumed, 0 message(s) not yet "
              "committed, 0 order(s) and 0 dead letter(s) past the cut: OK");
    EXPECT_EQ(lines[3], "audit clean");
    EXPECT_EQ(result.exit_code(), 0);
}

TEST(AuditResult, ADifferenceFailsEvenLiveAndOnlyTheFirstFiftyAreListed) {
    auto result = two_groups();
    result.live = true;
    for (int i = 0; i < 60; ++i) {
        result.groups[0].findings.differences.push_back("difference " + std::to_string(i));
    }
    EXPECT_FALSE(result.clean());
    EXPECT_EQ(result.exit_code(), 1);
    const auto lines = result.lines();
    // topic, group a, 50 differences, "... and 10 more", group b, verdict
    ASSERT_EQ(lines.size(), 55U);
    EXPECT_EQ(lines[2], "  difference 0");
    EXPECT_EQ(lines[51], "  difference 49");
    EXPECT_EQ(lines[52], "  ... and 10 more");
    EXPECT_EQ(lines.back(), "AUDIT FAILED: 60 difference(s)");

    const auto json = to_json(result);
    EXPECT_EQ(json["clean"], false);
    EXPECT_EQ(json["exit_code"], 1);
    EXPECT_EQ(json["groups"][0]["difference_count"], 60);
    EXPECT_EQ(json["groups"][0]["differences"].size(), 50U);
}

TEST(AuditResult, TheJsonCarriesTheFiguresAndTheLines) {
    auto result = two_groups();
    result.live = true;
    const auto json = to_json(result);
    EXPECT_EQ(json["computed_at_ms"], 1700000000123);
    EXPECT_EQ(json["clean"], true);
    EXPECT_EQ(json["topic"]["messages"], 12);
    EXPECT_EQ(json["topic"]["dead_letter_records"], 2);
    ASSERT_EQ(json["groups"].size(), 2U);
    const auto& batch = json["groups"][1];
    EXPECT_EQ(batch["group"], "orders-batch");
    EXPECT_EQ(batch["orders"], 8);
    EXPECT_EQ(batch["processed"], 8);
    EXPECT_EQ(batch["dead_lettered"], 1);
    EXPECT_EQ(batch["not_yet_consumed"], 2);
    EXPECT_EQ(batch["in_flight"], 2);
    EXPECT_EQ(batch["difference_count"], 0);
    EXPECT_EQ(json["lines"], nlohmann::json(result.lines()));
}

}  // namespace
}  // namespace orderflow::audit
