#pragma once

// librdkafka clients (made through libs/kafka) acting as one principal of the secure stack, each
// call returning what Kafka answered, so a test can assert an allowed call and a denied one alike.

#include "kafka/client_config.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

namespace orderflow::test {

/// What a client saw: Kafka's error code (NO_ERROR when allowed) and librdkafka's text.
struct Outcome {
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::string message;
};

/// Whether a producer is idempotent: one that is needs a producer id first, which Kafka gives
/// only to principals that may write some topic.
enum class Idempotent { kYes, kNo };

/// Writes one record, value {"test":"<key>"} (acks=all; kafka::produce_acknowledged), and waits
/// up to `patience` for its acknowledgement.
Outcome produce_one(const kafka::ClientSettings& settings,
                    const std::string& topic,
                    const std::string& key,
                    Idempotent idempotent = Idempotent::kYes,
                    std::chrono::milliseconds patience = std::chrono::seconds(30));

/// How a reader reads: as a member of `group` (subscribe, then commit what it read), or by
/// assigning partitions 0..`partitions`-1 itself with `group` as its group.id (joins nothing).
struct ReadAs {
    std::string group;
    bool subscribe = false;
    int partitions = 5;
};

/// Reads `topic` from the beginning until a record with `key` arrives (NO_ERROR), or the first
/// error Kafka returns.
Outcome read_until_key(const kafka::ClientSettings& settings,
                       const std::string& topic,
                       const std::string& key,
                       const ReadAs& as);

/// Asks for the cluster's metadata; on failure the first error librdkafka reported (the
/// error callback's, e.g. a SASL authentication failure) rather than the request's timeout.
Outcome fetch_metadata(const kafka::ClientSettings& settings, std::chrono::milliseconds timeout);

/// True once any node's kafka-authorizer.log has a line with every one of `parts`.
bool authorizer_logged(const std::vector<std::string>& parts);

/// The same for the nodes' server.log (failed authentications are logged there).
bool server_logged(const std::vector<std::string>& parts);

}  // namespace orderflow::test
