#pragma once

#include <librdkafka/rdkafka.h>

namespace orderflow::producer {

/**
 * Whether sending the same order again can succeed. False for errors that depend on the
 * message or on the topic's settings and permissions (too large, invalid record, unknown
 * topic, not authorized, policy violation, bad argument, fatal producer): re-sending only
 * delays the order's way to the failed-orders file. True for everything else (timeouts,
 * leader changes, not enough replicas, purged while in flight, ...).
 */
bool worth_resending(rd_kafka_resp_err_t code);

}  // namespace orderflow::producer
