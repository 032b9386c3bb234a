// The slot function against vectors Redis 7's own CLUSTER KEYSLOT gave (the integration test
// compares thousands more on a live cluster).

#include "redis/key_slot.h"

#include <gtest/gtest.h>

#include <string>

namespace orderflow::redis {
namespace {

TEST(Crc16Xmodem, MatchesTheStandardCheckValue) {
    EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);
    EXPECT_EQ(crc16_xmodem(""), 0);
}

TEST(KeySlot, MatchesRedisForPlainKeys) {
    EXPECT_EQ(key_slot("somekey"), 11058);
    EXPECT_EQ(key_slot("foo"), 12182);
    EXPECT_EQ(key_slot("bar"), 5061);
    EXPECT_EQ(key_slot("hello"), 866);
    EXPECT_EQ(key_slot("123456789"), 12739);
    EXPECT_EQ(key_slot(""), 0);
}

TEST(KeySlot, HashesOnlyTheFirstNonEmptyTag) {
    EXPECT_EQ(key_slot("foo{hash_tag}"), 2515);
    EXPECT_EQ(key_slot("{user1000}.following"), 3443);
    EXPECT_EQ(key_slot("{user1000}.followers"), key_slot("{user1000}.following"));
    EXPECT_EQ(key_slot("foo{bar}{zap}"), key_slot("bar"));
    EXPECT_EQ(key_slot("a{b}c"), 3300);
}

TEST(KeySlot, HashesTheWholeKeyWhenTheTagIsEmptyOrOpen) {
    EXPECT_EQ(hash_tag("foo{}{bar}"), "foo{}{bar}");
    EXPECT_EQ(key_slot("foo{}{bar}"), 8363);
    EXPECT_EQ(key_slot("{}"), 15257);
    EXPECT_EQ(hash_tag("{bar"), "{bar");
    EXPECT_EQ(key_slot("{bar"), 4015);
    EXPECT_EQ(hash_tag("bar}"), "bar}");
    EXPECT_EQ(key_slot("bar}"), 6624);
    // The first '}' after the first '{' closes the tag, so its body here is "{bar".
    EXPECT_EQ(hash_tag("foo{{bar}}zap"), "{bar");
    EXPECT_EQ(key_slot("foo{{bar}}zap"), 4015);
}

TEST(KeySlot, TakesBinaryBytes) {
    const std::string key("\0\xff{\x01\x02}", 6);
    EXPECT_EQ(hash_tag(key), std::string("\x01\x02"));
    EXPECT_LT(key_slot(key), slot_count);
}

}  // namespace
}  // namespace orderflow::redis
