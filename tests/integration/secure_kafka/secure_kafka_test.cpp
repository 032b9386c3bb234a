// The secure cluster (fixture secure_stack: SASL_SSL, SCRAM-SHA-512, ACLs of
// scripts/kafka/acls.txt) with real librdkafka clients: who gets in, and what each principal may
// and may not do.
#include "integration/secure_kafka/secure_clients.h"
#include "kafka/admin_client.h"
#include "support/secure_stack.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kOrders = "orders";
constexpr auto kDlq = "orders.dlq";

// A record in `orders` with a key of its own, written by the producer principal.
std::string fresh_order() {
    const auto key = unique_name("order");
    const auto written = produce_one(secure_client("producer"), kOrders, key);
    EXPECT_EQ(written.code, RD_KAFKA_RESP_ERR_NO_ERROR) << written.message;
    return key;
}

// Writes a fresh order as the producer, then reads `orders` as `principal` until it arrives.
Outcome read_fresh_order(const std::string& principal, const ReadAs& as) {
    return read_until_key(secure_client(principal), kOrders, fresh_order(), as);
}

std::string denied(const std::string& principal, const std::string& operation) {
    return "Principal = User:" + principal + " is Denied operation = " + operation + " ";
}

std::string on_topic(const std::string& topic) {
    return "resource = Topic:LITERAL:" + topic + " ";
}

// A plain producer gets as far as the topic and is refused there; an idempotent one gets no
// producer id (Kafka grants one only to principals that may write some topic), so never sends.
void expect_denied_writing(const std::string& principal, const std::string& topic) {
    const auto written =
        produce_one(secure_client(principal), topic, unique_name("w"), Idempotent::kNo);
    EXPECT_EQ(written.code, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        << principal << " to " << topic << ": " << written.message;
    EXPECT_TRUE(authorizer_logged({denied(principal, "WRITE"), on_topic(topic)}))
        << principal << " to " << topic;
    const auto idempotent =
        produce_one(secure_client(principal), topic, unique_name("w"), Idempotent::kYes, 3s);
    EXPECT_NE(idempotent.code, RD_KAFKA_RESP_ERR_NO_ERROR) << principal << " to " << topic;
}

TEST(SecureKafka, ClientWithoutCredentialsIsRefused) {
    kafka::ClientSettings plaintext;
    plaintext.bootstrap_servers = secure_stack().bootstrap_servers;
    // The broker drops a client that does not start with TLS.
    const auto outcome = fetch_metadata(plaintext, 5s);
    EXPECT_EQ(outcome.code, RD_KAFKA_RESP_ERR__TRANSPORT) << outcome.message;

    // TLS alone (the CA trusted, no SASL login) is no way in either.
    auto tls_only = plaintext;
    tls_only.extra = {{"security.protocol", "SSL"},
                      {"ssl.ca.location", secure_stack().secrets_dir + "/ca.pem"}};
    const auto tls = fetch_metadata(tls_only, 5s);
    EXPECT_EQ(tls.code, RD_KAFKA_RESP_ERR__TRANSPORT) << tls.message;
    EXPECT_NE(tls.message.find("broker might require SASL authentication"), std::string::npos)
        << tls.message;
}

TEST(SecureKafka, WrongPasswordFailsSaslAuthentication) {
    auto settings = secure_client("producer");
    settings.extra.emplace_back("sasl.password", std::string(64, '0'));
    const auto outcome = fetch_metadata(settings, 10s);
    EXPECT_EQ(outcome.code, RD_KAFKA_RESP_ERR__AUTHENTICATION) << outcome.message;
    EXPECT_NE(outcome.message.find("SASL authentication error"), std::string::npos)
        << outcome.message;
    EXPECT_TRUE(server_logged({"Failed authentication with /127.0.0.1",
                               "invalid credentials with SASL mechanism SCRAM-SHA-512"}));
}

TEST(SecureKafka, RightPasswordGetsMetadata) {
    EXPECT_EQ(fetch_metadata(secure_client("producer"), 10s).code, RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST(SecureKafka, ProducerWritesOrdersIdempotently) {
    const auto written = produce_one(secure_client("producer"), kOrders, unique_name("order"));
    EXPECT_EQ(written.code, RD_KAFKA_RESP_ERR_NO_ERROR) << written.message;
}

TEST(SecureKafka, ProducerIsDeniedReadingOrders) {
    const auto read = read_fresh_order("producer", {"orderflow-producer-reader", false, 5});
    EXPECT_EQ(read.code, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) << read.message;
    EXPECT_TRUE(authorizer_logged({denied("producer", "READ"), on_topic(kOrders)}));
}

TEST(SecureKafka, ProducerIsDeniedWritingTheDeadLetterTopic) {
    expect_denied_writing("producer", kDlq);
}

// Joining and committing in its own group is what the running consumer services do on this stack
// (tests/integration/secure_stack checks they store and commit); a test member would take
// partitions from them, so these read with the group as group.id without joining.
TEST(SecureKafka, AutoConsumerReadsOrders) {
    const auto read = read_fresh_order("consumer-auto", {"orders-auto", false, 5});
    EXPECT_EQ(read.code, RD_KAFKA_RESP_ERR_NO_ERROR) << read.message;
}

TEST(SecureKafka, AutoConsumerIsDeniedJoiningTheBatchGroup) {
    const auto read = read_fresh_order("consumer-auto", {"orders-batch", true, 5});
    EXPECT_EQ(read.code, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) << read.message;
    EXPECT_TRUE(authorizer_logged(
        {"Principal = User:consumer-auto is Denied", "resource = Group:LITERAL:orders-batch "}));
}

TEST(SecureKafka, AutoConsumerIsDeniedWritingOrders) {
    expect_denied_writing("consumer-auto", kOrders);
}

TEST(SecureKafka, ConsumersWriteTheDeadLetterTopic) {
    for (const auto* principal : {"consumer-auto", "consumer-batch"}) {
        const auto written = produce_one(secure_client(principal), kDlq, unique_name("dead"));
        EXPECT_EQ(written.code, RD_KAFKA_RESP_ERR_NO_ERROR) << principal << ": " << written.message;
    }
}

TEST(SecureKafka, BatchConsumerReadsOrdersAndIsDeniedTheOtherGroup) {
    const auto own = read_fresh_order("consumer-batch", {"orders-batch", false, 5});
    EXPECT_EQ(own.code, RD_KAFKA_RESP_ERR_NO_ERROR) << own.message;
    const auto other = read_fresh_order("consumer-batch", {"orders-auto", true, 5});
    EXPECT_EQ(other.code, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) << other.message;
}

TEST(SecureKafka, ConsoleReadsOrdersAndTheDeadLetters) {
    const auto read = read_fresh_order("console", {"orderflow-console-reader", false, 5});
    EXPECT_EQ(read.code, RD_KAFKA_RESP_ERR_NO_ERROR) << read.message;
    const auto dead = unique_name("dead");
    ASSERT_EQ(produce_one(secure_client("consumer-auto"), kDlq, dead).code,
              RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto read_dlq = read_until_key(secure_client("console"), kDlq, dead,
                                         {"orderflow-console-reader", false, 1});
    EXPECT_EQ(read_dlq.code, RD_KAFKA_RESP_ERR_NO_ERROR) << read_dlq.message;
}

TEST(SecureKafka, ConsoleIsDeniedWritingAnyTopic) {
    for (const auto* topic : {kOrders, kDlq}) {
        expect_denied_writing("console", topic);
    }
}

TEST(SecureKafka, RegistryCreatesAndWritesItsSchemasTopic) {
    kafka::AdminClient admin(secure_client("registry"), 20s);
    const auto outcome = admin.create_topic({"_schemas", 1, 3, {{"cleanup.policy", "compact"}}});
    EXPECT_TRUE(outcome == kafka::CreateOutcome::kCreated ||
                outcome == kafka::CreateOutcome::kAlreadyExists);
    // A no-op record, as the registry writes itself: a registry reading the topic skips it.
    const auto written =
        produce_one(secure_client("registry"), "_schemas", R"({"keytype":"NOOP","magic":0})");
    EXPECT_EQ(written.code, RD_KAFKA_RESP_ERR_NO_ERROR) << written.message;
    const auto elsewhere = produce_one(secure_client("registry"), kOrders, unique_name("o"));
    EXPECT_EQ(elsewhere.code, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) << elsewhere.message;
}

TEST(SecureKafka, AuditReadsOrdersAndWritesNothing) {
    const auto read = read_fresh_order("audit", {"orderflow-audit-reader", false, 5});
    EXPECT_EQ(read.code, RD_KAFKA_RESP_ERR_NO_ERROR) << read.message;
    expect_denied_writing("audit", kOrders);
}

}  // namespace
}  // namespace orderflow::test
