#include "consumer/consumer_health.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace orderflow::consumer {
namespace {

// A batch consumer at work: 7 of 10 held, one partition's commit on its way.
HealthFacts consuming() {
    return {.group = "orders-batch",
            .mode = "batch",
            .assigned = "orders[0],orders[3]",
            .held = 7,
            .batch_size = 10,
            .uncommitted_partitions = 1,
            .commits_in_flight = 2,
            .oldest_uncommitted_ms = 40,
            .commit_timeout_ms = 5000,
            .last_failure = "",
            .fatal = false};
}

TEST(ConsumerHealth, ConsumingIsHealthyAndSaysWhatItHolds) {
    const auto report = consumer_health(consuming());
    EXPECT_TRUE(report.healthy);
    EXPECT_EQ(report.details_json, R"({"group":"orders-batch","mode":"batch","consuming":true,)"
                                   R"("assigned":"orders[0],orders[3]",)"
                                   R"("batch":{"held":7,"size":10,"text":"held 7 of 10"},)"
                                   R"("commit":{"uncommitted_partitions":1,"in_flight":2,)"
                                   R"("oldest_uncommitted_ms":40,"stuck":false}})");
}

TEST(ConsumerHealth, PausedOnADependencyIsDownAndSaysWhy) {
    auto facts = consuming();
    facts.paused = true;
    facts.last_failure = "redis down";
    const auto report = consumer_health(facts);
    EXPECT_FALSE(report.healthy);
    const auto details = nlohmann::json::parse(report.details_json);
    EXPECT_EQ(details["consuming"], false);
    EXPECT_EQ(details["paused_on"], "redis down");
}

TEST(ConsumerHealth, NoPausedOnWhileConsuming) {
    auto facts = consuming();
    facts.last_failure = "an old failure";
    const auto details = nlohmann::json::parse(consumer_health(facts).details_json);
    EXPECT_FALSE(details.contains("paused_on"));
}

TEST(ConsumerHealth, ACommitOlderThanTheTimeoutIsStuck) {
    auto facts = consuming();
    facts.oldest_uncommitted_ms = facts.commit_timeout_ms;
    EXPECT_TRUE(consumer_health(facts).healthy);  // not older yet
    facts.oldest_uncommitted_ms = facts.commit_timeout_ms + 1;
    const auto report = consumer_health(facts);
    EXPECT_FALSE(report.healthy);
    EXPECT_EQ(nlohmann::json::parse(report.details_json)["commit"]["stuck"], true);
}

TEST(ConsumerHealth, AFatalStopIsDown) {
    auto facts = consuming();
    facts.fatal = true;
    EXPECT_FALSE(consumer_health(facts).healthy);
}

TEST(ConsumerHealth, OddTextIsEscapedAndTheAnswerStaysJson) {
    auto facts = consuming();
    facts.group = R"(g"roup\)";
    facts.paused = true;
    const std::string odd = "line\nbreak\ttab \"quoted\" back\\slash \x01 bell";
    facts.last_failure = odd + "\xff\xfe not utf-8";
    const auto report = consumer_health(facts);
    const auto details = nlohmann::json::parse(report.details_json);  // throws if broken
    EXPECT_EQ(details["group"], R"(g"roup\)");
    const auto paused_on = details["paused_on"].get<std::string>();
    EXPECT_EQ(paused_on.substr(0, odd.size()), odd);
    EXPECT_NE(paused_on.find(" not utf-8"), std::string::npos);
    EXPECT_EQ(paused_on.find('\xff'), std::string::npos);  // replaced, never passed on raw
    EXPECT_EQ(report.details_json.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace orderflow::consumer
