#pragma once

// What both ways of producing (to Kafka, through the gateway) count and write the same way: the
// orders_*_total counters and a failed-orders file line.

#include "metrics/metrics.h"
#include "orders/order.h"

#include <string>

namespace orderflow::producer {

struct OrderCounters {
    OrderCounters();
    metrics::Counter& sent;
    metrics::Counter& delivered;
    metrics::Counter& retried;
    metrics::Counter& failed;
};

/// One line of the failed-orders file: {"failed_at","reason","attempts","order"}.
std::string failed_order_line(const orders::Order& order, const std::string& reason, int attempts);

}  // namespace orderflow::producer
