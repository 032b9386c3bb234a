#pragma once

#include <cstdint>
#include <string>

namespace orderflow::producer {

/**
 * Fault injection for the tests (ORDERFLOW_FAILPOINT, empty in production; not in --help).
 * `fatal-after:N[:ERROR]`: every producer client raises librdkafka's fatal error ERROR (a
 * librdkafka error name, default OUT_OF_ORDER_SEQUENCE_NUMBER) through its test hook once it
 * has N acknowledged orders, as an idempotent producer does after a broken sequence.
 */
struct ProducerFailpoint {
    std::int64_t fatal_after = 0;  ///< 0: off
    int fatal_error = 0;           ///< an rd_kafka_resp_err_t
};

/// Errors: ConfigError naming ORDERFLOW_FAILPOINT for an unknown failpoint or error name.
ProducerFailpoint parse_producer_failpoint(const std::string& text);

}  // namespace orderflow::producer
