#include "registry/config_types.h"

#include <gtest/gtest.h>

namespace orderflow::registry {
namespace {

TEST(Mode, EveryModeRoundTripsThroughItsName) {
    for (const auto mode : {Mode::kReadWrite, Mode::kReadOnly, Mode::kReadOnlyOverride,
                            Mode::kImport, Mode::kForward}) {
        EXPECT_EQ(parse_mode(to_string(mode)), mode) << to_string(mode);
    }
}

TEST(Mode, NamesAreConfluents) {
    EXPECT_EQ(to_string(Mode::kReadWrite), "READWRITE");
    EXPECT_EQ(to_string(Mode::kReadOnly), "READONLY");
    EXPECT_EQ(to_string(Mode::kReadOnlyOverride), "READONLY_OVERRIDE");
    EXPECT_EQ(to_string(Mode::kImport), "IMPORT");
    EXPECT_EQ(to_string(Mode::kForward), "FORWARD");
}

TEST(Mode, ParsingIgnoresCaseAndRefusesUnknownNames) {
    EXPECT_EQ(parse_mode("readonly"), Mode::kReadOnly);
    EXPECT_EQ(parse_mode("Import"), Mode::kImport);
    EXPECT_EQ(parse_mode("SIDEWAYS"), std::nullopt);
    EXPECT_EQ(parse_mode(""), std::nullopt);
    EXPECT_EQ(parse_mode(" READONLY"), std::nullopt);
}

TEST(Mode, OnlyTheReadOnlyModesRefuseWrites) {
    EXPECT_TRUE(is_read_only(Mode::kReadOnly));
    EXPECT_TRUE(is_read_only(Mode::kReadOnlyOverride));
    EXPECT_FALSE(is_read_only(Mode::kReadWrite));
    EXPECT_FALSE(is_read_only(Mode::kImport));
    EXPECT_FALSE(is_read_only(Mode::kForward));
}

TEST(CompatibilityLevel, EveryLevelRoundTripsThroughItsName) {
    using L = CompatibilityLevel;
    for (const auto level : {L::kNone, L::kBackward, L::kBackwardTransitive, L::kForward,
                             L::kForwardTransitive, L::kFull, L::kFullTransitive}) {
        EXPECT_EQ(parse_compatibility_level(to_string(level)), level) << to_string(level);
    }
    EXPECT_EQ(to_string(L::kFullTransitive), "FULL_TRANSITIVE");
}

TEST(CompatibilityLevel, ParsingIgnoresCaseAndRefusesUnknownNames) {
    EXPECT_EQ(parse_compatibility_level("backward_transitive"),
              CompatibilityLevel::kBackwardTransitive);
    EXPECT_EQ(parse_compatibility_level("SIDEWAYS"), std::nullopt);
    EXPECT_EQ(parse_compatibility_level(""), std::nullopt);
}

TEST(RegistryRules, ParseTheConfiguredDefaults) {
    const auto rules = rules_of({"full", 40901});
    EXPECT_EQ(rules.default_compatibility, CompatibilityLevel::kFull);
    EXPECT_EQ(rules.incompatible_error_code, 40901);
    EXPECT_EQ(rules_of({"nonsense", 409}).default_compatibility, CompatibilityLevel::kBackward);
}

}  // namespace
}  // namespace orderflow::registry
