#pragma once

// Owners of the librdkafka objects an Admin API call makes (queues, events, options), so every
// exit path frees them.

#include "kafka/client_config.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>

namespace orderflow::kafka {

struct QueueDeleter {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct AdminOptionsDeleter {
    void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};

using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;

/// A producer handle for Admin API use only, as librdkafka recommends.
/// Errors: ConfigError naming KAFKA_BOOTSTRAP_SERVERS when it cannot be created.
HandlePtr make_admin_handle(const ClientSettings& settings);

/// Options for `op` with its request timeout set. The caller polls the queue for at most
/// `timeout` plus a margin, so no admin call can wait unbounded.
AdminOptionsPtr admin_options(rd_kafka_t* handle,
                              rd_kafka_admin_op_t op,
                              std::chrono::milliseconds timeout);

}  // namespace orderflow::kafka
