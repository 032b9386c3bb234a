#include "avro_schema/avro_schema.h"

#include <gtest/gtest.h>

namespace {

namespace avro = orderflow::avro;
using avro::CompatibilityLevel;

TEST(AvroSchemaCompatibilityLevel, RoundTripsConfluentSpellings) {
    for (const auto level : {CompatibilityLevel::kNone, CompatibilityLevel::kBackward,
                             CompatibilityLevel::kBackwardTransitive, CompatibilityLevel::kForward,
                             CompatibilityLevel::kForwardTransitive, CompatibilityLevel::kFull,
                             CompatibilityLevel::kFullTransitive}) {
        EXPECT_EQ(avro::compatibility_level_from_string(avro::to_string(level)), level);
    }
    EXPECT_EQ(avro::to_string(CompatibilityLevel::kFullTransitive), "FULL_TRANSITIVE");
}

TEST(AvroSchemaCompatibilityLevel, ParsesCaseInsensitively) {
    EXPECT_EQ(avro::compatibility_level_from_string("backward_transitive"),
              CompatibilityLevel::kBackwardTransitive);
    EXPECT_EQ(avro::compatibility_level_from_string("Full"), CompatibilityLevel::kFull);
}

TEST(AvroSchemaCompatibilityLevel, RejectsOtherText) {
    EXPECT_FALSE(avro::compatibility_level_from_string(""));
    EXPECT_FALSE(avro::compatibility_level_from_string("BACKWARDS"));
    EXPECT_FALSE(avro::compatibility_level_from_string(" FULL"));
    EXPECT_FALSE(avro::compatibility_level_from_string("FULL-TRANSITIVE"));
}

}  // namespace
