#include "serde/wire_format.h"

#include <gtest/gtest.h>

namespace orderflow::serde {
namespace {

TEST(WireFormat, FramesWithMagicAndBigEndianId) {
    const auto framed = frame(0x01020304, "abc");
    ASSERT_EQ(framed.size(), 8U);
    EXPECT_EQ(framed, std::string("\x00\x01\x02\x03\x04"
                                  "abc",
                                  8));
}

TEST(WireFormat, RoundTrip) {
    const auto framed = frame(42, std::string("\x00\xff", 2));
    const auto unframed = unframe(framed);
    EXPECT_EQ(unframed.schema_id, 42);
    EXPECT_EQ(unframed.payload, std::string("\x00\xff", 2));
}

TEST(WireFormat, LargeIdsKeepTheirBits) {
    EXPECT_EQ(unframe(frame(2'000'000'000, "")).schema_id, 2'000'000'000);
}

TEST(WireFormat, EmptyPayloadIsAllowed) {
    const auto unframed = unframe(std::string("\x00\x00\x00\x00\x07", 5));
    EXPECT_EQ(unframed.schema_id, 7);
    EXPECT_TRUE(unframed.payload.empty());
}

TEST(WireFormat, RejectsShortMessages) {
    try {
        unframe("hey");
        FAIL() << "expected WireFormatError";
    } catch (const WireFormatError& e) {
        EXPECT_STREQ(e.what(), "not Confluent-framed: 3 byte(s), shorter than the 5-byte header");
    }
}

TEST(WireFormat, RejectsWrongMagicByte) {
    try {
        unframe("{\"order\":1}");
        FAIL() << "expected WireFormatError";
    } catch (const WireFormatError& e) {
        EXPECT_STREQ(e.what(), "not Confluent-framed: wrong magic byte 0x7b (expected 0x00)");
    }
}

}  // namespace
}  // namespace orderflow::serde
