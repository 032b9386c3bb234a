#include "registry/registration_plan.h"

#include "registry/api_error.h"
#include "schemas.h"

#include <gtest/gtest.h>

#include <functional>

namespace orderflow::registry {
namespace {

using testing::kIntA;
using testing::kIntB;
using testing::kOnlyA;
using testing::kWithB;
using testing::record_schema;

class RegistrationPlanTest : public ::testing::Test {
protected:
    void add_version(const std::string& subject,
                     int version,
                     int id,
                     const std::string& schema,
                     bool deleted = false) {
        ASSERT_TRUE(store_.apply(
            records::schema_key(subject, version),
            records::schema_value({subject, version, id, "AVRO", {}, schema, deleted})));
    }

    RegistrationPlan plan(const Registration& registration, Mode mode = Mode::kReadWrite) {
        return store_.read([&](const StoreState& state) {
            return plan_registration(state, registration, mode, rules_);
        });
    }

    static Registration of(const std::string& subject,
                           const std::string& schema,
                           std::optional<int> version = std::nullopt,
                           std::optional<int> id = std::nullopt) {
        return {subject, testing::parsed(schema), version, id};
    }

    // The error code the plan answers with, or 0 when it plans.
    int refusal(const Registration& registration, Mode mode = Mode::kReadWrite) {
        try {
            plan(registration, mode);
            return 0;
        } catch (const ApiError& e) {
            return e.code();
        }
    }

    SchemaStore store_;
    RegistryRules rules_;
};

TEST_F(RegistrationPlanTest, ANewSchemaGetsTheNextIdAndVersion) {
    add_version("other", 1, 4, kWithB);
    const auto p = plan(of("s", kOnlyA));
    EXPECT_EQ(p.id, 5);
    ASSERT_EQ(p.records.size(), 1U);
    EXPECT_EQ(p.records[0].key, records::schema_key("s", 1));
    EXPECT_EQ(p.records[0].value,
              records::schema_value({"s", 1, 5, "AVRO", {}, testing::parsed(kOnlyA).canonical}));
}

TEST_F(RegistrationPlanTest, TheSameSchemaAgainKeepsItsIdAndWritesNothing) {
    add_version("s", 1, 7, kOnlyA);
    const auto p = plan(of("s", kOnlyA));
    EXPECT_EQ(p.id, 7);
    EXPECT_TRUE(p.records.empty());
}

TEST_F(RegistrationPlanTest, ASchemaKnownUnderAnotherSubjectKeepsItsId) {
    add_version("other", 1, 3, kOnlyA);
    add_version("s", 1, 9, record_schema(R"({"name":"a","type":"int","default":1})"));
    rules_.default_compatibility = CompatibilityLevel::kNone;
    const auto p = plan(of("s", kOnlyA));
    EXPECT_EQ(p.id, 3);
    ASSERT_EQ(p.records.size(), 1U);
    EXPECT_EQ(p.records[0].key, records::schema_key("s", 2));
}

TEST_F(RegistrationPlanTest, AnIncompatibleSchemaIsRefusedWithTheConfiguredCode) {
    add_version("s", 1, 1, kOnlyA);
    EXPECT_EQ(refusal(of("s", kWithB)), 409);
    rules_.incompatible_error_code = 40901;
    EXPECT_EQ(refusal(of("s", kWithB)), 40901);
}

TEST_F(RegistrationPlanTest, TheSubjectsLevelDecidesOverTheDefault) {
    add_version("s", 1, 1, kOnlyA);
    ASSERT_TRUE(store_.apply(records::config_key("s"), records::config_value("s", "NONE")));
    const auto p = plan(of("s", kWithB));
    EXPECT_EQ(p.id, 2);
    EXPECT_EQ(p.records.at(0).key, records::schema_key("s", 2));
}

TEST_F(RegistrationPlanTest, ReadOnlyModesRefuseEveryRegistration) {
    add_version("s", 1, 7, kOnlyA);
    EXPECT_EQ(refusal(of("s", kOnlyA), Mode::kReadOnly), 42205);
    EXPECT_EQ(refusal(of("s", kOnlyA), Mode::kReadOnlyOverride), 42205);
    EXPECT_EQ(refusal(of("new", kOnlyA), Mode::kReadOnly), 42205);
}

TEST_F(RegistrationPlanTest, ImportModeTakesTheGivenIdAndVersion) {
    const auto p = plan(of("s", kOnlyA, 5, 42), Mode::kImport);
    EXPECT_EQ(p.id, 42);
    ASSERT_EQ(p.records.size(), 1U);
    EXPECT_EQ(p.records[0].key, records::schema_key("s", 5));
}

TEST_F(RegistrationPlanTest, ImportModeSkipsTheCompatibilityCheck) {
    add_version("s", 1, 1, kOnlyA);
    EXPECT_EQ(plan(of("s", kWithB, std::nullopt, 8), Mode::kImport).id, 8);
}

TEST_F(RegistrationPlanTest, AnIdIsRequiredInImportModeAndRefusedOutsideIt) {
    EXPECT_EQ(refusal(of("s", kOnlyA), Mode::kImport), 42205);
    EXPECT_EQ(refusal(of("s", kOnlyA, std::nullopt, 0), Mode::kImport), 42205);
    EXPECT_EQ(refusal(of("s", kOnlyA, std::nullopt, 3), Mode::kReadWrite), 42205);
}

TEST_F(RegistrationPlanTest, ImportRefusesATakenVersionOrAnIdOfAnotherSchema) {
    add_version("s", 1, 1, kOnlyA);
    EXPECT_EQ(refusal(of("s", kWithB, 1, 2), Mode::kImport), 42207);
    EXPECT_EQ(refusal(of("t", kWithB, 1, 1), Mode::kImport), 42207);
}

TEST_F(RegistrationPlanTest, AVersionThatIsNotTheNextOneIsRefused) {
    add_version("s", 1, 1, kOnlyA);
    rules_.default_compatibility = CompatibilityLevel::kNone;
    EXPECT_EQ(refusal(of("s", kWithB, 3)), 42201);
    EXPECT_EQ(plan(of("s", kWithB, 2)).id, 2);
}

TEST_F(RegistrationPlanTest, OlderSoftDeletedVersionsOfTheSchemaAreDeleted) {
    add_version("s", 1, 1, kOnlyA, true);
    const auto p = plan(of("s", kOnlyA));
    EXPECT_EQ(p.id, 1);
    ASSERT_EQ(p.records.size(), 2U);
    EXPECT_EQ(p.records[0].key, records::schema_key("s", 2));
    EXPECT_EQ(p.records[1].key, records::schema_key("s", 1));
    EXPECT_EQ(p.records[1].value, std::nullopt);
}

TEST_F(RegistrationPlanTest, AdmissionIsDecidedByTheModeAlone) {
    EXPECT_FALSE(admit_registration(Mode::kReadWrite, "s", std::nullopt));
    EXPECT_FALSE(admit_registration(Mode::kReadWrite, "s", -1));
    EXPECT_TRUE(admit_registration(Mode::kImport, "s", 1));
    EXPECT_THROW(admit_registration(Mode::kReadOnly, "s", std::nullopt), ApiError);
}

}  // namespace
}  // namespace orderflow::registry
