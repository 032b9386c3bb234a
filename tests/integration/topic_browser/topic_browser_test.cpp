// Records produced to a fresh topic, read back through libs/topic_browser: Avro in the
// Confluent wire format is decoded by its schema id; anything else (an unknown id, a bad magic
// byte, plain text, bytes that do not fit the schema) is kept as text or hex with the reason,
// and nothing throws. Pages follow the query; a live tail sees a record written after it opened.
#include "kafka/acked_producer.h"
#include "kafka/admin_client.h"
#include "kafka/group_admin.h"
#include "kafka/kafka_error.h"
#include "kafka/topic_reader.h"
#include "registry/registry_process.h"
#include "serde/wire_format.h"
#include "support/test_support.h"
#include "topic_browser/message_decoder.h"
#include "topic_browser/message_query.h"
#include "topic_browser/topic_tail.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace orderflow::topic_browser {
namespace {

using namespace std::chrono_literals;
using registry::testing::record_schema;
using registry::testing::RegistryNames;
using registry::testing::RegistryProcess;

constexpr int kUnknownId = 987654;

kafka::ClientSettings stack_client(const std::string& client_id) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = test::shared_stack().bootstrap_servers;
    settings.client_id = client_id;
    return settings;
}

/// Avro binary of a record with one string field: zig-zag length, then the bytes.
std::string avro_string_record(const std::string& text) {
    return std::string(1, static_cast<char>(text.size() * 2)) + text;
}

/// One registry, one subject with the record schema, one fresh single-partition topic.
class TopicBrowserTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { registry_ = std::make_unique<RegistryProcess>(RegistryNames{}); }
    static void TearDownTestSuite() { registry_.reset(); }

    void SetUp() override {
        client_ = std::make_unique<registry_client::RegistryClient>(registry_->url());
        subject_ = test::unique_name("browser") + "-value";
        schema_id_ = client_->register_schema(subject_, record_schema("Order"));
        topic_ = test::unique_name("browser");
        kafka::AdminClient(stack_client("browser-admin")).create_topic({topic_, 1, 3, {}});
    }

    kafka::OutgoingRecord record(const std::string& key, const std::string& value) const {
        return {topic_, key, value, {{"n", key}}};
    }

    /// Produces and waits for the acknowledgements. A broker that has not heard of the topic a
    /// moment after its creation may refuse it: that is tried again while nothing is written.
    void produce(const std::vector<kafka::OutgoingRecord>& records) {
        for (int attempt = 1;; ++attempt) {
            try {
                kafka::produce_acknowledged(stack_client("browser-producer"), records, 30s,
                                            [](std::size_t i) { return std::to_string(i); });
                return;
            } catch (const kafka::KafkaError&) {
                if (attempt == 5 || watermarks().high > 0) {
                    throw;
                }
                std::this_thread::sleep_for(1s);
            }
        }
    }

    /// A broker that has not yet heard of the fresh topic answers UNKNOWN_TOPIC_OR_PART for a
    /// moment after its creation: asked again until it knows it.
    kafka::Watermarks watermarks() {
        kafka::Watermarks marks;
        const bool known = test::wait_until(
            [&] {
                try {
                    marks = kafka::GroupAdmin(stack_client("browser-marks")).watermarks(topic_, 0);
                    return true;
                } catch (const kafka::KafkaError& e) {
                    if (e.code() != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
                        throw;
                    }
                    return false;
                }
            },
            30s, 250ms);
        if (!known) {
            throw std::runtime_error("no broker knows " + topic_ + " after 30 s");
        }
        return marks;
    }

    std::vector<kafka::Record> read_all() {
        kafka::ReadRequest request;
        request.topic = topic_;
        request.partitions = {0};
        request.timeout = 30s;
        return kafka::read_topic(stack_client("browser-reader"), request);
    }

    /// Offsets 0-1 decode; 2-6 do not, each for its own reason (the last one says 5 bytes of
    /// string and holds 2).
    void produce_every_kind() {
        produce({record("k0", serde::frame(schema_id_, avro_string_record("a-0"))),
                 record("k1", serde::frame(schema_id_, avro_string_record("a-1"))),
                 record("k2", serde::frame(kUnknownId, avro_string_record("a-2"))),
                 record("k3", std::string("\x01\x00\x00\x00\x01", 5) + avro_string_record("a-3")),
                 record("k4", "hello, plain text"), record("k5", "\xff\xfe"),
                 record("k6", serde::frame(schema_id_,
                                           "\x0a"
                                           "ab"))});
    }

    MessagePage page(const MessageQuery& query) {
        MessageDecoder decoder(*client_);
        return read_messages(stack_client("browser-pages"), decoder, topic_, query,
                             {{0, watermarks()}}, {}, 30s);
    }

    static std::vector<std::int64_t> offsets(const MessagePage& page) {
        std::vector<std::int64_t> out;
        for (const auto& message : page.messages) {
            out.push_back(message.offset);
        }
        return out;
    }

    static std::unique_ptr<RegistryProcess> registry_;
    std::unique_ptr<registry_client::RegistryClient> client_;
    std::string subject_;
    int schema_id_ = 0;
    std::string topic_;
};

std::unique_ptr<RegistryProcess> TopicBrowserTest::registry_;

TEST_F(TopicBrowserTest, AvroIsDecodedByItsSchemaIdAndEverythingElseKeptWithTheReason) {
    produce_every_kind();
    const auto records = read_all();
    ASSERT_EQ(records.size(), 7U);
    MessageDecoder decoder(*client_);
    std::vector<Message> messages;
    for (const auto& record : records) {
        ASSERT_NO_THROW(messages.push_back(decoder.decode(record))) << record.offset;
    }

    for (int i : {0, 1}) {
        const auto& decoded = messages[static_cast<std::size_t>(i)];
        ASSERT_TRUE(decoded.value) << decoded.decode_error.value_or("");
        EXPECT_EQ(decoded.field("id"), "a-" + std::to_string(i));
        EXPECT_EQ(decoded.schema_id, schema_id_);
        EXPECT_EQ(decoded.subject, subject_);
        EXPECT_EQ(decoded.schema_version, 1);
        EXPECT_EQ(decoded.key, "k" + std::to_string(i));
        EXPECT_FALSE(decoded.decode_error);
        EXPECT_FALSE(decoded.value_text || decoded.value_hex);
    }

    const auto reason = [&](std::size_t i) { return messages[i].decode_error.value_or(""); };
    EXPECT_EQ(messages[2].schema_id, kUnknownId);
    EXPECT_EQ(reason(2), "schema id " + std::to_string(kUnknownId) + " is unknown to the registry");
    EXPECT_NE(reason(3).find("not Confluent-framed Avro"), std::string::npos) << reason(3);
    EXPECT_FALSE(messages[3].schema_id);
    EXPECT_NE(reason(4).find("not Confluent-framed Avro"), std::string::npos) << reason(4);
    EXPECT_EQ(messages[4].value_text, "hello, plain text");
    EXPECT_NE(reason(5).find("not Confluent-framed Avro"), std::string::npos) << reason(5);
    EXPECT_EQ(messages[5].value_hex, "fffe");  // not UTF-8: hex
    EXPECT_FALSE(messages[5].value_text);
    EXPECT_NE(reason(6).find("does not decode with schema id " + std::to_string(schema_id_)),
              std::string::npos)
        << reason(6);
    for (std::size_t i = 2; i < messages.size(); ++i) {
        EXPECT_FALSE(messages[i].value) << i;
        EXPECT_TRUE(messages[i].value_text || messages[i].value_hex) << i;
        EXPECT_EQ(messages[i].size_bytes, records[i].value.size()) << i;
        EXPECT_NO_THROW(dump(to_json(messages[i]))) << i;
    }
}

TEST_F(TopicBrowserTest, PagesFollowTheQueryNewestFirstByDefault) {
    produce_every_kind();
    MessageQuery newest;
    newest.limit = 3;
    auto shown = page(newest);
    EXPECT_EQ(offsets(shown), (std::vector<std::int64_t>{6, 5, 4}));
    EXPECT_TRUE(shown.truncated);

    MessageQuery oldest;
    oldest.from_beginning = true;
    oldest.limit = 2;
    shown = page(oldest);
    EXPECT_EQ(offsets(shown), (std::vector<std::int64_t>{0, 1}));
    EXPECT_TRUE(shown.truncated);

    MessageQuery from_offset;
    from_offset.partition = 0;
    from_offset.offset = 5;
    shown = page(from_offset);
    EXPECT_EQ(offsets(shown), (std::vector<std::int64_t>{5, 6}));
    EXPECT_FALSE(shown.truncated);

    MessageQuery by_text;
    by_text.text = "a-1";  // inside the decoded value
    EXPECT_EQ(offsets(page(by_text)), std::vector<std::int64_t>{1});
    MessageQuery by_key;
    by_key.key = "k4";
    EXPECT_EQ(offsets(page(by_key)), std::vector<std::int64_t>{4});

    MessageQuery past_the_end;
    past_the_end.partition = 0;
    past_the_end.offset = 99;
    EXPECT_THROW(page(past_the_end), std::invalid_argument);
}

TEST_F(TopicBrowserTest, ALiveTailSeesARecordWrittenAfterItOpened) {
    produce({record("before", "old")});
    TopicTail tail(stack_client("browser-tail"), topic_, {{0, watermarks().high}});
    produce({record("live", serde::frame(schema_id_, avro_string_record("fresh")))});
    std::optional<kafka::Record> seen;
    ASSERT_TRUE(test::wait_until(
        [&] {
            seen = tail.next(200ms);
            return seen.has_value();
        },
        30s, 1ms));
    EXPECT_EQ(seen->key, "live");
    EXPECT_EQ(seen->offset, 1);
    MessageDecoder decoder(*client_);
    EXPECT_EQ(decoder.decode(*seen).field("id"), "fresh");
}

}  // namespace
}  // namespace orderflow::topic_browser
