#include "avro_schema/java_double.h"

#include <gtest/gtest.h>

#include <cmath>

namespace orderflow::avro {
namespace {

TEST(AvroSchemaJavaDouble, ReadsDecimalsWithSpacesAndJavasTypeSuffixes) {
    EXPECT_EQ(parse_java_double("1.5"), 1.5);
    EXPECT_EQ(parse_java_double(" -2.25 "), -2.25);
    EXPECT_EQ(parse_java_double("2d"), 2.0);
    EXPECT_EQ(parse_java_double("3F"), 3.0);
    EXPECT_EQ(parse_java_double("1e3"), 1000.0);
}

TEST(AvroSchemaJavaDouble, ReadsNaNAndSignedInfinityByJavasNames) {
    EXPECT_TRUE(std::isnan(parse_java_double("NaN").value()));
    EXPECT_EQ(parse_java_double("Infinity"), INFINITY);
    EXPECT_EQ(parse_java_double("+Infinity"), INFINITY);
    EXPECT_EQ(parse_java_double("-Infinity"), -INFINITY);
}

TEST(AvroSchemaJavaDouble, RefusesWhatJavaRefusesAndValuesThatOverflow) {
    for (const char* text : {"", "  ", "abc", "1.5x", "d", "inf", "nan", "Infinityd", "1e400"}) {
        EXPECT_FALSE(parse_java_double(text)) << text;
    }
}

}  // namespace
}  // namespace orderflow::avro
