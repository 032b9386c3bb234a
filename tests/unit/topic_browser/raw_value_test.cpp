#include "topic_browser/message_decoder.h"
#include "topic_browser/message_query.h"

#include <gtest/gtest.h>

namespace orderflow::topic_browser {
namespace {

TEST(TopicBrowserRawValue, Utf8IsKeptAsTextWithTheReason) {
    Message message;
    message.value = nlohmann::json::object();
    keep_raw(message, "plain text é", "why");
    EXPECT_FALSE(message.value);
    EXPECT_EQ(message.value_text, "plain text é");
    EXPECT_FALSE(message.value_hex);
    EXPECT_EQ(message.decode_error, "why");
}

TEST(TopicBrowserRawValue, OtherBytesAreKeptAsLowerCaseHex) {
    Message message;
    keep_raw(message, std::string("\x00\xff\x10", 3) + "\xc3", "why");
    EXPECT_FALSE(message.value_text);
    EXPECT_EQ(message.value_hex, "00ff10c3");
    EXPECT_EQ(message.decode_error, "why");
}

TEST(TopicBrowserRawValue, HexIsCappedAndTheReasonSaysSo) {
    Message message;
    keep_raw(message, std::string(kMaxHexBytes + 1, '\xff'), "why");
    ASSERT_TRUE(message.value_hex);
    EXPECT_EQ(message.value_hex->size(), 2 * kMaxHexBytes);
    EXPECT_EQ(message.decode_error,
              "why (hex of the first " + std::to_string(kMaxHexBytes) + " bytes)");
}

TEST(TopicBrowserRawValue, TextFiltersSearchTheRawTextOrHexToo) {
    Message text;
    keep_raw(text, "needle in text", "why");
    Message hex;
    keep_raw(hex, "\xff\xee", "why");
    MessageQuery query;
    query.text = "needle";
    EXPECT_TRUE(matches(text, query));
    EXPECT_FALSE(matches(hex, query));
    query.text = "ffee";
    EXPECT_TRUE(matches(hex, query));
}

}  // namespace
}  // namespace orderflow::topic_browser
