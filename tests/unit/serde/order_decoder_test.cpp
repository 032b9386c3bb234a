#include "serde/order_decoder.h"

#include "common/transient_error.h"
#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace orderflow::serde {
namespace {

const char* const kRecursiveSchema =
    R"({"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]})";
constexpr int kOrderId = 1;
constexpr int kForeignId = 2;
constexpr int kNotAnOrderId = 3;

// The registry as the decoder sees it: schema text by id, subjects by id.
struct Registry {
    std::map<int, std::string> schemas = {{kOrderId, kOrderSchemaJson},
                                          {kForeignId, kRecursiveSchema},
                                          {kNotAnOrderId, R"("string")"}};
    std::map<int, std::vector<std::string>> subjects = {{kOrderId, {"orders-value"}},
                                                        {kForeignId, {"other-value"}},
                                                        {kNotAnOrderId, {"orders-value"}}};
    int subject_asks = 0;
    bool down = false;

    std::string schema_by_id(int id) const {
        if (!schemas.contains(id)) {
            throw registry_client::RegistryError(404, 40403, "Schema not found");
        }
        return schemas.at(id);
    }
    std::vector<std::string> subjects_of(int id) {
        ++subject_asks;
        if (down) {
            throw registry_client::RegistryError(0, 0, "unreachable");
        }
        return subjects.at(id);
    }
};

class OrderDecoderTest : public ::testing::Test {
protected:
    Registry registry_;
    RegistryRetry retry_{3, std::chrono::milliseconds(1), [](std::chrono::milliseconds) {},
                         std::chrono::milliseconds(60000)};
    OrderDecoder decoder_{[this](int id) { return registry_.schema_by_id(id); }, retry_,
                          std::make_unique<SubjectIds>("orders-value", [this](int id) {
                              return registry_.subjects_of(id);
                          })};
    OrderEncoder encoder_{kOrderSchemaJson};
    orders::OrderGenerator generator_{9};

    Decoded decode(std::string value) {
        return decoder_.decode({"orders", 0, 1, "k", std::move(value), 1});
    }
};

TEST_F(OrderDecoderTest, AnOrderWithTheTopicsSchemaDecodesAndItsIdIsAskedOnce) {
    for (int i = 0; i < 3; ++i) {
        const auto decoded = decode(frame(kOrderId, encoder_.encode(generator_.next())));
        ASSERT_TRUE(decoded.order) << decoded.reason;
    }
    EXPECT_EQ(registry_.subject_asks, 1);
}

// The repro: an id registered under another subject, 50 000 records deep. It is refused for
// its subject before a byte of it is read.
TEST_F(OrderDecoderTest, AnIdOfAnotherSubjectIsSchemaNotForTopic) {
    const auto decoded = decode(frame(kForeignId, std::string(49'999, '\x02') + '\x00'));
    EXPECT_FALSE(decoded.order);
    EXPECT_EQ(decoded.kind, PoisonKind::kSchemaNotForTopic);
    EXPECT_EQ(to_string(decoded.kind), "schema-not-for-topic");
    EXPECT_EQ(decoded.reason, "schema id 2 is not registered under subject orders-value");
}

TEST_F(OrderDecoderTest, AnIdRegisteredUnderTheSubjectSinceIsFoundAtOnce) {
    const auto value = frame(kForeignId, std::string(1, '\x00'));
    EXPECT_EQ(decode(value).kind, PoisonKind::kSchemaNotForTopic);
    registry_.subjects[kForeignId].push_back("orders-value");
    // Now the subject holds it: the recursive record is no order, which is said as such.
    const auto decoded = decode(value);
    EXPECT_EQ(decoded.kind, PoisonKind::kSchemaNotForTopic);
    EXPECT_NE(decoded.reason.find("cannot be read as an order: the writer schema has no field "
                                  "'order_id'"),
              std::string::npos)
        << decoded.reason;
}

TEST_F(OrderDecoderTest, ASchemaOfTheSubjectThatIsNoOrderIsSchemaNotForTopic) {
    const auto decoded = decode(frame(kNotAnOrderId, std::string("\x02x", 2)));
    EXPECT_EQ(decoded.kind, PoisonKind::kSchemaNotForTopic);
    EXPECT_NE(decoded.reason.find("the writer schema is not a record"), std::string::npos)
        << decoded.reason;
}

// Registry unreachable while asking for the subject: the batch waits, the message is not
// poison (and nothing is remembered, so it is asked again).
TEST_F(OrderDecoderTest, AnUnreachableRegistryForTheSubjectIsTransient) {
    registry_.down = true;
    EXPECT_THROW(decode(frame(kOrderId, encoder_.encode(generator_.next()))),
                 common::TransientError);
    EXPECT_EQ(registry_.subject_asks, 3);
    registry_.down = false;
    EXPECT_TRUE(decode(frame(kOrderId, encoder_.encode(generator_.next()))).order);
}

TEST_F(OrderDecoderTest, AnOrderOverADecodingLimitIsDecodeLimit) {
    // items: one block announcing four billion items, with nothing after it.
    auto order = generator_.next();
    order.items.clear();
    const auto empty = encoder_.encode(order);
    // The items array starts after order_id and customer_id (length-prefixed strings).
    const auto order_id_end = 1 + order.order_id.size();
    const auto items_at = order_id_end + 1 + order.customer_id.size();
    ASSERT_EQ(empty[items_at], '\x00');                     // the empty array's end
    const std::string huge_block = "\x80\xa0\xd9\xe6\x1d";  // zigzag varint of 4 000 000 000
    const auto hostile = empty.substr(0, items_at) + huge_block + empty.substr(items_at);
    const auto decoded = decode(frame(kOrderId, hostile));
    EXPECT_EQ(decoded.kind, PoisonKind::kDecodeLimit);
    EXPECT_EQ(to_string(decoded.kind), "decode-limit");
    EXPECT_EQ(decoded.reason,
              "decode-limit: a block of 4000000000 elements, over 100000 per block (writer "
              "schema id 1)");
}

TEST_F(OrderDecoderTest, WithoutATopicAnyKnownIdIsRead) {
    OrderDecoder any([this](int id) { return registry_.schema_by_id(id); }, retry_);
    const auto decoded = any.decode(
        {"orders", 0, 1, "k", frame(kForeignId, std::string(49'999, '\x02') + '\x00'), 1});
    EXPECT_EQ(decoded.kind, PoisonKind::kSchemaNotForTopic);  // not an order schema
    EXPECT_EQ(registry_.subject_asks, 0);
}

}  // namespace
}  // namespace orderflow::serde
