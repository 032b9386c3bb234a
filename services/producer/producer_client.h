#pragma once

#include "kafka/client_config.h"
#include "producer/producer_settings.h"

#include <librdkafka/rdkafka.h>

namespace orderflow::producer {

/// librdkafka's delivery-report and error callbacks (C API), with the client's opaque.
using DeliveryReportCb = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void*);
using ClientErrorCb = void (*)(rd_kafka_t*, int, const char*, void*);

/**
 * The order producer's librdkafka client: idempotent, acks=all, the Java client's partitioner,
 * a bounded queue and DELIVERY_TIMEOUT; delivery reports to `on_delivery` and errors to
 * `on_error`, both called with `opaque`. Errors: ConfigError for a property librdkafka refuses
 * or when the client cannot be created (KAFKA_EXTRA).
 */
kafka::HandlePtr make_producer_client(const ProducerSettings& settings,
                                      DeliveryReportCb on_delivery,
                                      ClientErrorCb on_error,
                                      void* opaque);

}  // namespace orderflow::producer
