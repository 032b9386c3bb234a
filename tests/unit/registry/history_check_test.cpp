#include "registry/history_check.h"

#include "schemas.h"

#include <gtest/gtest.h>

namespace orderflow::registry {
namespace {

using testing::kIntA;
using testing::kIntB;
using testing::kIntBDefault;
using testing::kOnlyA;
using testing::kWithB;
using testing::record_schema;
using L = CompatibilityLevel;

std::string joined(const std::vector<std::string>& messages) {
    return details_message(messages);
}

// v1 {a}, v2 {a, b = 0}: a candidate {a, b} reads v2 but not v1 (b has no default).
std::vector<PastVersion> gaining_b() {
    return {{1, testing::shared(record_schema(kIntA))},
            {2, testing::shared(record_schema(std::string(kIntA) + "," + kIntBDefault))}};
}

// v1 {a, b}, v2 {a, b = 0}: data of a candidate {a} is read by v2 but not by v1.
std::vector<PastVersion> losing_b() {
    return {{1, testing::shared(record_schema(std::string(kIntA) + "," + kIntB))},
            {2, testing::shared(record_schema(std::string(kIntA) + "," + kIntBDefault))}};
}

TEST(HistoryCheck, BackwardChecksTheNewestVersionOnly) {
    const auto check = check_history(testing::parsed(kWithB), gaining_b(), L::kBackward);
    EXPECT_TRUE(check.compatible()) << joined(check.messages);
}

TEST(HistoryCheck, BackwardTransitiveFindsTheOlderVersionItCannotRead) {
    const auto check = check_history(testing::parsed(kWithB), gaining_b(), L::kBackwardTransitive);
    ASSERT_FALSE(check.compatible());
    EXPECT_NE(joined(check.messages).find("{oldSchemaVersion: 1}"), std::string::npos);
    EXPECT_NE(joined(check.messages).find("BACKWARD_TRANSITIVE"), std::string::npos);
}

TEST(HistoryCheck, ForwardChecksTheNewestVersionOnly) {
    EXPECT_TRUE(check_history(testing::parsed(kOnlyA), losing_b(), L::kForward).compatible());
}

TEST(HistoryCheck, ForwardTransitiveFindsTheOlderReaderThatCannotReadIt) {
    const auto check = check_history(testing::parsed(kOnlyA), losing_b(), L::kForwardTransitive);
    ASSERT_FALSE(check.compatible());
    EXPECT_NE(joined(check.messages).find("{oldSchemaVersion: 1}"), std::string::npos);
}

TEST(HistoryCheck, FullNeedsBothDirections) {
    // {a, b} reads nothing without b, but {a} readers ignore b: forward only.
    const std::vector<PastVersion> history = {{1, testing::shared(kOnlyA)}};
    EXPECT_TRUE(check_history(testing::parsed(kWithB), history, L::kForward).compatible());
    EXPECT_FALSE(check_history(testing::parsed(kWithB), history, L::kBackward).compatible());
    EXPECT_FALSE(check_history(testing::parsed(kWithB), history, L::kFull).compatible());
}

TEST(HistoryCheck, FullTransitiveChecksEveryVersion) {
    EXPECT_TRUE(check_history(testing::parsed(kWithB), gaining_b(), L::kFull).compatible());
    EXPECT_FALSE(
        check_history(testing::parsed(kWithB), gaining_b(), L::kFullTransitive).compatible());
}

TEST(HistoryCheck, NoneAcceptsAnything) {
    const auto unrelated = record_schema(R"({"name":"x","type":"string"})");
    EXPECT_FALSE(check_history(testing::parsed(unrelated), losing_b(), L::kFull).compatible());
    const auto check = check_history(testing::parsed(unrelated), losing_b(), L::kNone);
    EXPECT_TRUE(check.compatible());
    EXPECT_TRUE(check.notes.empty());
}

TEST(HistoryCheck, AnEmptyHistoryIsCompatible) {
    EXPECT_TRUE(check_history(testing::parsed(kWithB), {}, L::kFullTransitive).compatible());
}

TEST(HistoryCheck, ReportsTheNewestIncompatibleVersionAndStopsThere) {
    const std::vector<PastVersion> history = {{1, testing::shared(kOnlyA)},
                                              {2, testing::shared(kOnlyA)}};
    const auto check = check_history(testing::parsed(kWithB), history, L::kBackwardTransitive);
    ASSERT_FALSE(check.compatible());
    EXPECT_NE(joined(check.messages).find("{oldSchemaVersion: 2}"), std::string::npos);
    EXPECT_EQ(joined(check.messages).find("{oldSchemaVersion: 1}"), std::string::npos);
}

TEST(HistoryCheck, VersionsThatDoNotParseHereArePassedOver) {
    std::vector<PastVersion> history = gaining_b();
    history[0].parsed = nullptr;  // the version {a:int} that the candidate cannot read
    const auto check = check_history(testing::parsed(kWithB), history, L::kBackwardTransitive);
    EXPECT_TRUE(check.compatible());
    EXPECT_EQ(check.unparsed, std::vector<int>{1});
}

TEST(HistoryCheck, ADifferentSchemaTypeIsIncompatible) {
    const std::vector<PastVersion> history = {
        {1, std::make_shared<const ParsedSchema>(testing::parsed("{}", "JSON"))}};
    const auto check = check_history(testing::parsed(kOnlyA), history, L::kBackward);
    ASSERT_FALSE(check.compatible());
    EXPECT_NE(joined(check.messages).find("DIFFERENT_SCHEMA_TYPE"), std::string::npos);
}

TEST(HistoryCheck, TypesWithoutRulesAreCompatibleWithANote) {
    const std::vector<PastVersion> history = {
        {1, std::make_shared<const ParsedSchema>(testing::parsed("{}", "JSON"))},
        {2, std::make_shared<const ParsedSchema>(testing::parsed(R"({"type":"string"})", "JSON"))}};
    const auto check = check_history(testing::parsed(R"({"type":"integer"})", "JSON"), history,
                                     L::kFullTransitive);
    EXPECT_TRUE(check.compatible());
    ASSERT_EQ(check.notes.size(), 2U);
    EXPECT_NE(check.notes[0].find("JSON"), std::string::npos);
}

TEST(HistoryCheck, DetailsListTheMessagesInBrackets) {
    EXPECT_EQ(details_message({"a", "b"}), "[a, b]");
    EXPECT_EQ(details_message({}), "[]");
}

}  // namespace
}  // namespace orderflow::registry
