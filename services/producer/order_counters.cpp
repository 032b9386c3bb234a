#include "producer/order_counters.h"

#include <nlohmann/json.hpp>

namespace orderflow::producer {
namespace {

metrics::Counter& orders_counter(const std::string& what, const std::string& help) {
    return metrics::default_registry().counter("orderflow_producer_orders_" + what + "_total",
                                               help);
}

}  // namespace

OrderCounters::OrderCounters()
    : sent(orders_counter("sent", "Orders generated and handed to Kafka (or the gateway)")),
      delivered(orders_counter("delivered", "Orders acknowledged by the cluster (acks=all)")),
      retried(orders_counter("retried", "Re-sends after a failed delivery")),
      failed(orders_counter("failed", "Orders written to the failed-orders file")) {}

std::string failed_order_line(const orders::Order& order, const std::string& reason, int attempts) {
    const nlohmann::ordered_json line = {{"failed_at", orders::now_ms()},
                                         {"reason", reason},
                                         {"attempts", attempts},
                                         {"order", nlohmann::json::parse(orders::to_json(order))}};
    return line.dump();
}

}  // namespace orderflow::producer
