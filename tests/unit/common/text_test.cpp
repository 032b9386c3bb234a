#include "common/text.h"

#include <gtest/gtest.h>

namespace orderflow::common {
namespace {

TEST(Text, TrimDropsWhitespaceAtBothEndsOnly) {
    EXPECT_EQ(trim("  a b\t\r\n"), "a b");
    EXPECT_EQ(trim("\n\tkey = value \r"), "key = value");
    EXPECT_EQ(trim("inner  space"), "inner  space");
}

TEST(Text, TrimOfBlankOrEmptyTextIsEmpty) {
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \t\r\n"), "");
}

TEST(Text, TrimTakesOnlyTheCharactersItIsGiven) {
    EXPECT_EQ(trim(" \tx\t ", " "), "\tx\t");
    EXPECT_EQ(trim("--x--", "-"), "x");
    EXPECT_EQ(trim("\r\nx\r\n", " \t"), "\r\nx\r\n");
}

TEST(Text, TrimViewsTheGivenText) {
    const std::string text = "  abc  ";
    const auto trimmed = trim(text);
    EXPECT_EQ(trimmed.data(), text.data() + 2);
    EXPECT_EQ(trimmed.size(), 3U);
}

TEST(Text, LowerAndUpperChangeAsciiLettersOnly) {
    EXPECT_EQ(lower("Application/JSON; Q=0.5"), "application/json; q=0.5");
    EXPECT_EQ(upper("readonly_override"), "READONLY_OVERRIDE");
    EXPECT_EQ(lower("ÄB-9"), "Äb-9");
    EXPECT_EQ(upper(""), "");
}

}  // namespace
}  // namespace orderflow::common
