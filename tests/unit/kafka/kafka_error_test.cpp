#include "kafka/kafka_error.h"

#include "kafka/handles.h"

#include <gtest/gtest.h>

namespace orderflow::kafka {
namespace {

TEST(KafkaErrorKind, BrokersAndLeadersAwayAreRetriable) {
    for (const auto code :
         {RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT,
          RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
          RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
          RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
          RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART}) {
        EXPECT_EQ(classify(code), ErrorKind::kRetriable) << rd_kafka_err2name(code);
    }
}

TEST(KafkaErrorKind, FatalCodesMeanANewClient) {
    for (const auto code :
         {RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
          RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH, RD_KAFKA_RESP_ERR_PRODUCER_FENCED}) {
        EXPECT_EQ(classify(code), ErrorKind::kFatal) << rd_kafka_err2name(code);
    }
}

TEST(KafkaErrorKind, RequestsThatCannotSucceedArePermanent) {
    for (const auto code :
         {RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, RD_KAFKA_RESP_ERR_INVALID_CONFIG,
          RD_KAFKA_RESP_ERR__INVALID_ARG, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
          RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR__DESTROY,
          RD_KAFKA_RESP_ERR_NO_ERROR}) {
        EXPECT_EQ(classify(code), ErrorKind::kPermanent) << rd_kafka_err2name(code);
    }
}

TEST(KafkaError, FromACodeKeepsItsMessageAndClassifiesIt) {
    const KafkaError error(RD_KAFKA_RESP_ERR__TIMED_OUT, "no answer within 5000 ms");
    EXPECT_STREQ(error.what(), "no answer within 5000 ms");
    EXPECT_EQ(error.code(), RD_KAFKA_RESP_ERR__TIMED_OUT);
    EXPECT_TRUE(error.retriable());
    EXPECT_FALSE(error.fatal());
}

TEST(KafkaError, FromAnErrorObjectTakesLibrdkafkasVerdict) {
    // Retriable by its code alone, but an error object flagged neither retriable nor fatal
    // is neither: librdkafka's flags win over the code table.
    const ErrorPtr error(rd_kafka_error_new(RD_KAFKA_RESP_ERR__TRANSPORT, "%s", "broker gone"));
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(classify(RD_KAFKA_RESP_ERR__TRANSPORT), ErrorKind::kRetriable);
    EXPECT_EQ(KafkaError(error.get(), "sending").kind(), ErrorKind::kPermanent);
}

TEST(KafkaError, FromAnErrorObjectPrefixesTheContext) {
    const ErrorPtr error(
        rd_kafka_error_new(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, "%s", "topic t exists"));
    const KafkaError thrown(error.get(), "creating t");
    EXPECT_STREQ(thrown.what(), "creating t: topic t exists");
    EXPECT_EQ(thrown.code(), RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    EXPECT_EQ(thrown.kind(), ErrorKind::kPermanent);
}

TEST(KafkaError, DescribeNamesTextAndCode) {
    EXPECT_EQ(describe(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS),
              "Broker: Topic already exists (TOPIC_ALREADY_EXISTS)");
}

}  // namespace
}  // namespace orderflow::kafka
