#include "producer/delivery_errors.h"

#include <gtest/gtest.h>

namespace orderflow::producer {
namespace {

TEST(DeliveryErrors, ErrorsOfTheMessageOrTopicAreNotResent) {
    for (const auto code :
         {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD,
          RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
          RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__FATAL}) {
        EXPECT_FALSE(worth_resending(code)) << rd_kafka_err2name(code);
    }
}

TEST(DeliveryErrors, TransientErrorsAreResent) {
    for (const auto code :
         {RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
          RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR__TRANSPORT,
          RD_KAFKA_RESP_ERR__PURGE_INFLIGHT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT}) {
        EXPECT_TRUE(worth_resending(code)) << rd_kafka_err2name(code);
    }
}

}  // namespace
}  // namespace orderflow::producer
