#include "consumer/batch_processor.h"

#include "orders/generator.h"
#include "registry_client/registry_client.h"
#include "serde/order_codec.h"
#include "serde/order_decoder.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>

namespace orderflow::consumer {
namespace {

constexpr int kSchemaId = 7;

// The registry as a map; an unknown id answers like Confluent's 404 / 40403. `answers` are
// given first, one per fetch (e.g. a follower's 404s before it has replayed an id).
class FakeRegistry {
public:
    std::string schema_by_id(int id) {
        ++fetches;
        if (down) {
            throw registry_client::RegistryError(0, 0, "cannot reach http://registry");
        }
        if (!answers.empty()) {
            const auto [status, code] = answers.front();
            answers.erase(answers.begin());
            throw registry_client::RegistryError(status, code, "HTTP " + std::to_string(status));
        }
        const auto it = schemas.find(id);
        if (it == schemas.end()) {
            throw registry_client::RegistryError(404, 40403,
                                                 "Schema " + std::to_string(id) + " not found");
        }
        return it->second;
    }
    std::map<int, std::string> schemas{{kSchemaId, serde::kOrderSchemaJson}};
    std::vector<std::pair<int, int>> answers;  // (HTTP status, error code)
    bool down = false;
    int fetches = 0;
};

// A decoder with a bug: throws something no one expects for one offset.
class ThrowingDecoder : public serde::MessageDecoder {
public:
    explicit ThrowingDecoder(serde::MessageDecoder& inner) : inner_(inner) {}
    Decoded decode(const InboundMessage& message) override {
        if (message.offset == 1) {
            throw std::out_of_range("a decoder bug");
        }
        return inner_.decode(message);
    }

private:
    serde::MessageDecoder& inner_;
};

class FakeDeadLetters : public DeadLetterSink {
public:
    void send(const std::vector<DeadLetter>& letters) override {
        if (down) {
            throw TransientError("dlq down");
        }
        for (const auto& letter : letters) {
            sent.push_back({letter.message->offset, letter.kind, letter.reason});
        }
    }
    struct Sent {
        std::int64_t offset;
        PoisonKind kind;
        std::string reason;
    };
    std::vector<Sent> sent;
    bool down = false;
};

class FakeSink : public OrderSink {
public:
    std::vector<redis::WriteOutcome> write(const std::vector<redis::StoreEntry>& entries) override {
        ++round_trips;
        if (down) {
            throw redis::RedisError("redis down");
        }
        std::vector<redis::WriteOutcome> out;
        for (const auto& entry : entries) {
            written.push_back(entry);
            out.push_back(entry.order ? redis::WriteOutcome::kApplied
                                      : redis::WriteOutcome::kDeadLettered);
        }
        return out;
    }
    std::vector<redis::Refusal> take_refusals() override { return std::exchange(refusals, {}); }
    std::vector<redis::StoreEntry> written;
    std::vector<redis::Refusal> refusals;  // what the next write refuses
    int round_trips = 0;
    bool down = false;
};

class BatchProcessorTest : public ::testing::Test {
protected:
    FakeRegistry registry_;
    std::vector<std::chrono::milliseconds> waits_;
    serde::RegistryRetry retry_{6, std::chrono::milliseconds(100),
                                [this](std::chrono::milliseconds wait) { waits_.push_back(wait); },
                                std::chrono::milliseconds(60000)};
    serde::OrderDecoder decoder_{[this](int id) { return registry_.schema_by_id(id); }, retry_};
    FakeDeadLetters dead_letters_;
    FakeSink sink_;
    BatchProcessor processor_{decoder_, dead_letters_, sink_};
    orders::OrderGenerator generator_{5};
    serde::OrderEncoder encoder_{serde::kOrderSchemaJson};

    InboundMessage valid(std::int32_t partition, std::int64_t offset) {
        return with_value(partition, offset,
                          serde::frame(kSchemaId, encoder_.encode(generator_.next())));
    }
    static InboundMessage with_value(std::int32_t partition,
                                     std::int64_t offset,
                                     std::string value) {
        return {"orders", partition, offset, "cust-0001", std::move(value), 1};
    }
    InboundMessage negative_quantity(std::int32_t partition, std::int64_t offset) {
        auto order = generator_.next();
        order.items[0].quantity = -1;
        order.total_cents = orders::items_total_cents(order);
        return with_value(partition, offset, serde::frame(kSchemaId, encoder_.encode(order)));
    }
};

TEST_F(BatchProcessorTest, OneBadMessageGoesToTheDlqAndTheRestAreWritten) {
    std::vector<InboundMessage> batch;
    for (int i = 0; i < 10; ++i) {
        batch.push_back(i == 4 ? negative_quantity(0, i) : valid(0, i));
    }
    const auto outcome = processor_.process(batch);
    EXPECT_EQ(outcome.applied, 9);
    EXPECT_EQ(outcome.dead_lettered, 1);
    ASSERT_EQ(dead_letters_.sent.size(), 1U);
    EXPECT_EQ(dead_letters_.sent[0].offset, 4);
    EXPECT_EQ(dead_letters_.sent[0].kind, PoisonKind::kInvalidOrder);
    EXPECT_NE(dead_letters_.sent[0].reason.find("quantity -1 is not positive"), std::string::npos);
    EXPECT_EQ(sink_.round_trips, 1);  // the whole batch in one pipelined round trip
    ASSERT_EQ(sink_.written.size(), 10U);
    EXPECT_FALSE(sink_.written[4].order);  // the dead letter is marked in Redis, in order
    EXPECT_EQ(outcome.commit, (CommitOffsets{{{"orders", 0}, 10}}));
}

TEST_F(BatchProcessorTest, AppliedOrdersCarryTheirClocksForTheLatencySplit) {
    std::vector<InboundMessage> batch = {valid(0, 0), negative_quantity(0, 1), valid(0, 2)};
    batch[0].timestamp_ms = 1000;
    batch[0].fetched_at_ms = 1500;
    batch[2].timestamp_ms = 2000;
    batch[2].fetched_at_ms = 2500;
    const auto outcome = processor_.process(batch);
    ASSERT_EQ(outcome.applied_times.size(), 2U);  // never the dead letter
    EXPECT_EQ(outcome.applied_times[0].kafka_ms, 1000);
    EXPECT_EQ(outcome.applied_times[0].fetched_ms, 1500);
    EXPECT_EQ(outcome.applied_times[1].kafka_ms, 2000);
    EXPECT_EQ(outcome.applied_times[1].fetched_ms, 2500);
    EXPECT_EQ(outcome.applied_times[0].created_ms, sink_.written[0].order->created_at_ms);
    EXPECT_EQ(outcome.applied_times[1].created_ms, sink_.written[2].order->created_at_ms);
}

TEST_F(BatchProcessorTest, EveryKindOfPoisonIsRecognised) {
    const auto good = serde::frame(kSchemaId, encoder_.encode(generator_.next()));
    std::vector<InboundMessage> batch = {
        with_value(0, 0, "plain text order"),
        with_value(0, 1, "\x01" + good.substr(1)),            // wrong magic byte
        with_value(0, 2, serde::frame(999, good.substr(5))),  // unknown schema id
        with_value(0, 3, good.substr(0, good.size() / 2)),    // truncated Avro
        negative_quantity(0, 4),
        with_value(0, 5, ""),  // empty (tombstone-like)
        valid(0, 6)};
    const auto outcome = processor_.process(batch);
    EXPECT_EQ(outcome.applied, 1);
    ASSERT_EQ(dead_letters_.sent.size(), 6U);
    const std::vector<PoisonKind> kinds = {PoisonKind::kNotFramed,     PoisonKind::kNotFramed,
                                           PoisonKind::kUnknownSchema, PoisonKind::kUndecodable,
                                           PoisonKind::kInvalidOrder,  PoisonKind::kNotFramed};
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        EXPECT_EQ(dead_letters_.sent[i].kind, kinds[i]) << dead_letters_.sent[i].reason;
    }
    EXPECT_NE(dead_letters_.sent[1].reason.find("wrong magic byte 0x01"), std::string::npos);
    EXPECT_NE(dead_letters_.sent[2].reason.find("unknown schema id 999"), std::string::npos);
    EXPECT_EQ(to_string(PoisonKind::kUnknownSchema), "unknown-schema");
}

TEST_F(BatchProcessorTest, CommitOffsetsArePerPartition) {
    const auto outcome = processor_.process({valid(0, 3), valid(2, 10), valid(0, 4), valid(1, 0)});
    EXPECT_EQ(outcome.commit,
              (CommitOffsets{{{"orders", 0}, 5}, {{"orders", 1}, 1}, {{"orders", 2}, 11}}));
}

TEST_F(BatchProcessorTest, WriterSchemasAreFetchedOncePerId) {
    processor_.process({valid(0, 0), valid(0, 1), valid(0, 2)});
    processor_.process({valid(0, 3)});
    EXPECT_EQ(registry_.fetches, 1);
}

TEST_F(BatchProcessorTest, UnreachableRegistryIsTransientAndWritesNothing) {
    registry_.down = true;
    EXPECT_THROW(processor_.process({valid(0, 0)}), TransientError);
    EXPECT_EQ(sink_.round_trips, 0);
    EXPECT_TRUE(dead_letters_.sent.empty());
}

TEST_F(BatchProcessorTest, RegistryAnswersThatMayBeTransientAreAskedAgain) {
    // A follower that has not replayed the id yet, then a busy and a failing registry.
    registry_.answers = {{404, 40403}, {404, 40403}, {429, 42900}, {503, 50003}, {408, -1}};
    const auto outcome = processor_.process({valid(0, 0)});
    EXPECT_EQ(outcome.applied, 1);
    EXPECT_TRUE(dead_letters_.sent.empty());
    EXPECT_EQ(registry_.fetches, 6);
    using std::chrono::milliseconds;
    EXPECT_EQ(waits_,
              (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(400),
                                         milliseconds(800), milliseconds(1600)}));
}

TEST_F(BatchProcessorTest, AnIdStillUnknownAfterTheAttemptsIsPoisonAndRemembered) {
    const auto good = serde::frame(kSchemaId, encoder_.encode(generator_.next()));
    const auto unknown = serde::frame(999, good.substr(serde::kHeaderSize));
    const auto outcome = processor_.process({with_value(0, 0, unknown), with_value(0, 1, unknown)});
    EXPECT_EQ(outcome.dead_lettered, 2);
    ASSERT_EQ(dead_letters_.sent.size(), 2U);
    EXPECT_EQ(dead_letters_.sent[1].kind, PoisonKind::kUnknownSchema);
    EXPECT_EQ(registry_.fetches, 7);  // the second message asked once more, without waiting
    EXPECT_EQ(waits_.size(), 5U);     // about 3 s in all
}

// The fix for a dead letter of an unknown id is to register it, then redrive the message: the
// decoder must not keep calling the id unknown from memory.
TEST_F(BatchProcessorTest, AnIdRegisteredAfterItWasUnknownIsFoundAtOnce) {
    const auto good = serde::frame(kSchemaId, encoder_.encode(generator_.next()));
    const auto late = serde::frame(999, good.substr(serde::kHeaderSize));
    EXPECT_EQ(processor_.process({with_value(0, 0, late)}).dead_lettered, 1);
    registry_.schemas[999] = serde::kOrderSchemaJson;
    const auto waited = waits_.size();
    const auto outcome = processor_.process({with_value(0, 1, late)});
    EXPECT_EQ(outcome.applied, 1);
    EXPECT_EQ(outcome.dead_lettered, 0);
    EXPECT_EQ(waits_.size(), waited);
}

TEST_F(BatchProcessorTest, ARegistryThatStaysAwayIsTransientNotPoison) {
    registry_.answers.assign(6, {503, 50003});
    EXPECT_THROW(processor_.process({valid(0, 0)}), TransientError);
    EXPECT_TRUE(dead_letters_.sent.empty());
    // A 404 that is not Confluent's "schema not found" (a wrong URL, say) is not poison either.
    registry_.answers.assign(6, {404, -1});
    EXPECT_THROW(processor_.process({valid(0, 0)}), TransientError);
    // Nor is a refusal such as 401: the message is not the problem.
    registry_.answers = {{401, 40101}};
    EXPECT_THROW(processor_.process({valid(0, 0)}), TransientError);
    EXPECT_EQ(sink_.round_trips, 0);
}

TEST_F(BatchProcessorTest, AnUnexpectedDecoderExceptionMakesThatMessagePoison) {
    ThrowingDecoder buggy(decoder_);
    BatchProcessor processor(buggy, dead_letters_, sink_);
    const auto outcome = processor.process({valid(0, 0), valid(0, 1), valid(0, 2)});
    EXPECT_EQ(outcome.applied, 2);
    EXPECT_EQ(outcome.dead_lettered, 1);
    ASSERT_EQ(dead_letters_.sent.size(), 1U);
    EXPECT_EQ(dead_letters_.sent[0].kind, PoisonKind::kUndecodable);
    EXPECT_NE(dead_letters_.sent[0].reason.find("a decoder bug"), std::string::npos);
    EXPECT_EQ(outcome.commit, (CommitOffsets{{{"orders", 0}, 3}}));
}

TEST_F(BatchProcessorTest, DlqFailureStopsTheBatchBeforeRedis) {
    dead_letters_.down = true;
    EXPECT_THROW(processor_.process({valid(0, 0), with_value(0, 1, "junk")}), TransientError);
    EXPECT_EQ(sink_.round_trips, 0);
}

TEST_F(BatchProcessorTest, RedisFailurePropagates) {
    sink_.down = true;
    EXPECT_THROW(processor_.process({valid(0, 0)}), redis::RedisError);
}

TEST_F(BatchProcessorTest, OrdersTheStoreRefusesGoToTheDlqWithTheirReason) {
    const std::vector batch = {valid(0, 0), valid(0, 1), valid(0, 2)};
    sink_.refusals = {
        {1, redis::RefusalKind::kConflictingDuplicate, "order x is stored with another items"},
        {2, redis::RefusalKind::kStoreRefused, "order y: would pass 9007199254740991"}};
    processor_.process(batch);
    ASSERT_EQ(dead_letters_.sent.size(), 2U);
    EXPECT_EQ(dead_letters_.sent[0].offset, 1);
    EXPECT_EQ(dead_letters_.sent[0].kind, PoisonKind::kConflictingDuplicate);
    EXPECT_EQ(to_string(dead_letters_.sent[0].kind), "conflicting-duplicate");
    EXPECT_EQ(dead_letters_.sent[0].reason, "order x is stored with another items");
    EXPECT_EQ(dead_letters_.sent[1].offset, 2);
    EXPECT_EQ(to_string(dead_letters_.sent[1].kind), "store-refused");
}

TEST_F(BatchProcessorTest, ARefusalTheDlqDoesNotTakeFailsTheBatch) {
    sink_.refusals = {{0, redis::RefusalKind::kInvalidOrder, "invalid order"}};
    dead_letters_.down = true;
    EXPECT_THROW(processor_.process({valid(0, 0)}), TransientError);  // retried, not committed
}

}  // namespace
}  // namespace orderflow::consumer
