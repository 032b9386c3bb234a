#include "orders/order.h"

#include <nlohmann/json.hpp>

namespace orderflow::orders {

std::int64_t items_total_cents(const Order& order) {
    std::int64_t total = 0;
    for (const auto& item : order.items) {
        total += static_cast<std::int64_t>(item.quantity) * item.unit_price_cents;
    }
    return total;
}

nlohmann::ordered_json items_to_json(const Order& order) {
    auto items = nlohmann::ordered_json::array();
    for (const auto& item : order.items) {
        items.push_back({{"sku", item.sku},
                         {"name", item.name},
                         {"quantity", item.quantity},
                         {"unit_price_cents", item.unit_price_cents}});
    }
    return items;
}

std::string to_json(const Order& order) {
    const nlohmann::ordered_json json = {{"order_id", order.order_id},
                                         {"customer_id", order.customer_id},
                                         {"items", items_to_json(order)},
                                         {"total_cents", order.total_cents},
                                         {"currency", order.currency},
                                         {"created_at", order.created_at_ms},
                                         {"status", order.status},
                                         {"payment_method", order.payment_method},
                                         {"shipping_country", order.shipping_country}};
    // Replace invalid UTF-8 rather than throw: this text goes to logs and files.
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace orderflow::orders
