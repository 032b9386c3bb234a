#include "dead_letters/dead_letter_record.h"

#include <gtest/gtest.h>

namespace orderflow::dead_letters {
namespace {

kafka::Record with_headers(std::vector<std::pair<std::string, std::string>> headers) {
    kafka::Record record;
    record.topic = "orders.dlq";
    record.offset = 7;
    record.value = "payload";
    record.headers = std::move(headers);
    return record;
}

TEST(DeadLetterRecord, ReadsTheConsumersHeaders) {
    const auto letter = to_dead_letter(with_headers({{kHeaderReason, "unknown schema id 9"},
                                                     {kHeaderError, "unknown-schema"},
                                                     {kHeaderTopic, "orders"},
                                                     {kHeaderPartition, "3"},
                                                     {kHeaderOffset, "41"},
                                                     {kHeaderGroup, "orders-auto"}}));
    EXPECT_EQ(letter.reason, "unknown schema id 9");
    EXPECT_EQ(letter.error, "unknown-schema");
    EXPECT_EQ(letter.group, "orders-auto");
    ASSERT_TRUE(letter.source);
    EXPECT_EQ(*letter.source, (SourcePosition{"orders", 3, 41}));
    EXPECT_EQ(letter.record.offset, 7);
    EXPECT_EQ(letter.record.value, "payload");
}

TEST(DeadLetterRecord, NoSourceWhenAHeaderIsMissingOrNotANumber) {
    EXPECT_FALSE(
        to_dead_letter(with_headers({{kHeaderTopic, "orders"}, {kHeaderOffset, "4"}})).source);
    EXPECT_FALSE(to_dead_letter(with_headers({{kHeaderTopic, "orders"},
                                              {kHeaderPartition, "x1"},
                                              {kHeaderOffset, "4"}}))
                     .source);
    EXPECT_FALSE(
        to_dead_letter(
            with_headers({{kHeaderTopic, ""}, {kHeaderPartition, "1"}, {kHeaderOffset, "4"}}))
            .source);
    EXPECT_FALSE(to_dead_letter(with_headers({})).source);
}

}  // namespace
}  // namespace orderflow::dead_letters
