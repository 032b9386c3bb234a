#pragma once

// The one private Kafka cluster of robustness_pipeline_brokers: its cases kill and freeze
// brokers, so they cannot use the shared stack, and one cluster serves them all (started on
// first use, stopped when the binary exits).

#include "support/test_support.h"

namespace orderflow::test {

inline KafkaCluster& private_cluster() {
    static KafkaCluster instance;
    return instance;
}

}  // namespace orderflow::test
