#pragma once

// The Admin API's handle and options; the owners of the objects its calls make (queues, events,
// options) are in handles.h.

#include "kafka/client_config.h"
#include "kafka/handles.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>

namespace orderflow::kafka {

/// A producer handle for Admin API use only, as librdkafka recommends.
/// Errors: ConfigError naming KAFKA_BOOTSTRAP_SERVERS when it cannot be created.
HandlePtr make_admin_handle(const ClientSettings& settings);

/// Options for `op` with its request timeout set. The caller polls the queue for at most
/// `timeout` plus a margin, so no admin call can wait unbounded.
AdminOptionsPtr admin_options(rd_kafka_t* handle,
                              rd_kafka_admin_op_t op,
                              std::chrono::milliseconds timeout);

}  // namespace orderflow::kafka
