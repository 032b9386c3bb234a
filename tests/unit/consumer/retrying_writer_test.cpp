#include "consumer/retrying_writer.h"

#include "redis/connection.h"

#include <gtest/gtest.h>

#include <functional>

namespace orderflow::consumer {
namespace {

using std::chrono::milliseconds;

// Every message decodes to an order: the writer's behaviour is about the sink.
class NullDecoder : public serde::MessageDecoder {
public:
    Decoded decode(const InboundMessage& message) override {
        orders::Order order;
        order.order_id = "o-" + std::to_string(message.offset);
        return {order, PoisonKind::kUndecodable, ""};
    }
};

class NoDeadLetters : public DeadLetterSink {
public:
    void send(const std::vector<DeadLetter>& /*letters*/) override {}
};

// Fails the first `failures` writes with `fail` (then succeeds).
class FlakySink : public OrderSink {
public:
    std::vector<redis::WriteOutcome> write(const std::vector<redis::StoreEntry>& entries) override {
        ++calls;
        if (failures > 0) {
            --failures;
            fail();
        }
        return std::vector<redis::WriteOutcome>(entries.size(), redis::WriteOutcome::kApplied);
    }
    int failures = 0;
    int calls = 0;
    std::function<void()> fail = [] { throw redis::RedisError("redis down"); };
};

class FakeHost : public WriterHost {
public:
    void set_paused(bool paused, const std::string& why) override {
        events.push_back(paused ? "pause: " + why : "resume");
    }
    void serve_for(milliseconds duration) override {
        waits.push_back(duration);
        if (on_serve) {
            on_serve();
        }
    }
    std::optional<Clock::time_point> stop_deadline() override { return deadline; }
    bool fatal() const override { return is_fatal; }

    std::vector<std::string> events;
    std::vector<milliseconds> waits;
    std::function<void()> on_serve;
    std::optional<Clock::time_point> deadline;
    bool is_fatal = false;
};

class RetryingWriterTest : public ::testing::Test {
protected:
    NullDecoder decoder_;
    NoDeadLetters dead_letters_;
    FlakySink sink_;
    BatchProcessor processor_{decoder_, dead_letters_, sink_};
    RetryingWriter writer_{processor_, "g", milliseconds(400)};
    FakeHost host_;
    std::vector<InboundMessage> batch_{{"orders", 0, 7, std::nullopt, "v", 1},
                                       {"orders", 0, 8, std::nullopt, "v", 1}};
};

TEST_F(RetryingWriterTest, WritesAtOnceWhenTheSinkIsUp) {
    const auto outcome = writer_.write(batch_, host_);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->applied, 2);
    EXPECT_EQ(outcome->commit, (CommitOffsets{{{"orders", 0}, 9}}));
    EXPECT_TRUE(batch_.empty());
    EXPECT_TRUE(host_.events.empty());
}

TEST_F(RetryingWriterTest, PausesBacksOffExponentiallyUpToTheCapAndResumes) {
    sink_.failures = 4;
    const auto outcome = writer_.write(batch_, host_);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(sink_.calls, 5);
    EXPECT_EQ(host_.waits, (std::vector<milliseconds>{milliseconds(100), milliseconds(200),
                                                      milliseconds(400), milliseconds(400)}));
    ASSERT_GE(host_.events.size(), 2U);
    EXPECT_EQ(host_.events.front(), "pause: redis down");
    EXPECT_EQ(host_.events.back(), "resume");
    EXPECT_EQ(writer_.failures(), 4);
}

TEST_F(RetryingWriterTest, AnUnexpectedExceptionIsRetriedAndSaidSo) {
    sink_.failures = 1;
    sink_.fail = [] { throw std::logic_error("a bug"); };
    const auto outcome = writer_.write(batch_, host_);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(host_.events.front(), "pause: unexpected error: a bug");
}

TEST_F(RetryingWriterTest, AnAclRefusalHoldsTheBatchLikeAnOutageNeverStoppingOrDeadLettering) {
    sink_.failures = 3;
    sink_.fail = [] { throw redis::AclDenied("HGETALL was refused to user \"u\""); };
    const auto outcome = writer_.write(batch_, host_);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->applied, 2);
    EXPECT_EQ(outcome->dead_lettered, 0);
    EXPECT_EQ(sink_.calls, 4);
    EXPECT_EQ(writer_.failures(), 3);
    EXPECT_EQ(host_.events.front(), "pause: HGETALL was refused to user \"u\"");
    EXPECT_EQ(host_.events.back(), "resume");
}

TEST_F(RetryingWriterTest, FatalErrorPassesThrough) {
    sink_.failures = 1;
    sink_.fail = [] { throw FatalError("producer fenced"); };
    EXPECT_THROW(writer_.write(batch_, host_), FatalError);
}

TEST_F(RetryingWriterTest, GivesUpAtTheStopDeadlineAndDropsTheBatch) {
    sink_.failures = 1000;
    int serves = 0;
    host_.on_serve = [&] {
        if (++serves == 3) {
            host_.deadline = WriterHost::Clock::now();  // SIGTERM, SHUTDOWN_TIMEOUT spent
        }
    };
    EXPECT_FALSE(writer_.write(batch_, host_));
    EXPECT_TRUE(batch_.empty());  // uncommitted, so redelivered
    EXPECT_EQ(serves, 3);
}

TEST_F(RetryingWriterTest, GivesUpOnAFatalKafkaError) {
    sink_.failures = 1000;
    host_.on_serve = [&] { host_.is_fatal = true; };
    EXPECT_FALSE(writer_.write(batch_, host_));
    EXPECT_EQ(sink_.calls, 2);
}

TEST_F(RetryingWriterTest, ABatchTakenByARebalanceEndsTheRetries) {
    sink_.failures = 1000;
    host_.on_serve = [&] { batch_.clear(); };  // revoked: written or dropped there
    EXPECT_FALSE(writer_.write(batch_, host_));
    EXPECT_EQ(sink_.calls, 1);
    EXPECT_EQ(host_.events.back(), "resume");
}

}  // namespace
}  // namespace orderflow::consumer
