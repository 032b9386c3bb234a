#include "registry/subject_setting.h"

#include "registry/config_types.h"
#include "registry/records.h"
#include "registry/schema_store.h"

#include <gtest/gtest.h>

namespace orderflow::registry {
namespace {

TEST(SubjectSetting, ASubjectsOwnValueWinsOverTheGlobalOne) {
    SubjectSetting<Mode> mode;
    mode.set(std::nullopt, Mode::kImport);
    mode.set("orders", Mode::kReadOnly);
    EXPECT_EQ(mode.effective("orders", Mode::kReadWrite), Mode::kReadOnly);
    EXPECT_EQ(mode.effective("payments", Mode::kReadWrite), Mode::kImport);
    EXPECT_EQ(mode.of("orders"), Mode::kReadOnly);
    EXPECT_EQ(mode.of("payments"), std::nullopt);
    EXPECT_EQ(mode.global(), Mode::kImport);
}

TEST(SubjectSetting, WithoutAnyValueTheFallbackHolds) {
    SubjectSetting<CompatibilityLevel> level;
    EXPECT_EQ(level.effective("s", CompatibilityLevel::kBackward), CompatibilityLevel::kBackward);
    EXPECT_EQ(level.global(), std::nullopt);
    EXPECT_FALSE(level.configured("s"));
}

TEST(SubjectSetting, DeletingASubjectsValueFallsBackToTheGlobalOne) {
    SubjectSetting<CompatibilityLevel> level;
    level.set(std::nullopt, CompatibilityLevel::kFull);
    level.set("s", CompatibilityLevel::kNone);
    EXPECT_TRUE(level.configured("s"));
    level.set("s", std::nullopt);
    EXPECT_FALSE(level.configured("s"));
    EXPECT_EQ(level.effective("s", CompatibilityLevel::kBackward), CompatibilityLevel::kFull);
}

TEST(SubjectSetting, DeletingTheGlobalValueFallsBackToTheDefaultAndKeepsSubjects) {
    SubjectSetting<CompatibilityLevel> level;
    level.set(std::nullopt, CompatibilityLevel::kFull);
    level.set("s", CompatibilityLevel::kNone);
    level.set(std::nullopt, std::nullopt);
    EXPECT_EQ(level.global(), std::nullopt);
    EXPECT_EQ(level.effective("t", CompatibilityLevel::kBackward), CompatibilityLevel::kBackward);
    EXPECT_EQ(level.effective("s", CompatibilityLevel::kBackward), CompatibilityLevel::kNone);
}

TEST(SubjectSetting, SettingAgainReplacesTheValue) {
    SubjectSetting<Mode> mode;
    mode.set("s", Mode::kReadOnly);
    mode.set("s", Mode::kReadWrite);
    EXPECT_EQ(mode.of("s"), Mode::kReadWrite);
}

TEST(SubjectSetting, ConfigAndModeRecordsSetAndDeleteTheStoresSettings) {
    SchemaStore store;
    EXPECT_TRUE(store.apply(records::config_key(std::nullopt),
                            records::config_value(std::nullopt, "FULL")));
    EXPECT_TRUE(store.apply(records::config_key("s"), records::config_value("s", "NONE")));
    EXPECT_TRUE(store.apply(records::mode_key("s"), records::mode_value("s", "READONLY")));
    store.read([](const StoreState& state) {
        EXPECT_EQ(state.compatibility.global(), CompatibilityLevel::kFull);
        EXPECT_EQ(state.compatibility.of("s"), CompatibilityLevel::kNone);
        EXPECT_EQ(state.mode.effective("s", Mode::kReadWrite), Mode::kReadOnly);
        return 0;
    });
    EXPECT_TRUE(store.apply(records::config_key("s"), std::nullopt));  // tombstone
    EXPECT_TRUE(store.apply(records::mode_key("s"), R"({"subject":"s","mode":null})"));
    store.read([](const StoreState& state) {
        EXPECT_FALSE(state.compatibility.configured("s"));
        EXPECT_FALSE(state.mode.configured("s"));
        return 0;
    });
}

TEST(SubjectSetting, ARecordWithAnUnknownValueIsSkippedAndChangesNothing) {
    SchemaStore store;
    store.apply(records::mode_key(std::nullopt), records::mode_value(std::nullopt, "IMPORT"));
    EXPECT_FALSE(store.apply(records::mode_key(std::nullopt),
                             records::mode_value(std::nullopt, "SIDEWAYS")));
    EXPECT_FALSE(store.apply(records::config_key("s"), records::config_value("s", "SOMETIMES")));
    store.read([](const StoreState& state) {
        EXPECT_EQ(state.mode.global(), Mode::kImport);
        EXPECT_FALSE(state.compatibility.configured("s"));
        EXPECT_EQ(state.records_skipped, 2);
        return 0;
    });
}

}  // namespace
}  // namespace orderflow::registry
