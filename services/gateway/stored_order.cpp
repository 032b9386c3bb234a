#include "gateway/stored_order.h"

#include "gateway/order_request.h"

#include <charconv>
#include <cstdint>

namespace orderflow::gateway {
namespace {

using nlohmann::ordered_json;

ordered_json number_or_text(const std::string& text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [at, error] = std::from_chars(text.data(), end, value);
    if (error == std::errc() && at == end && !text.empty()) {
        return value;
    }
    return text;
}

// Redis contents are outside bytes too: items nested deeper than an order's are shown as the
// text they are (the parser stops at the first level too deep), never built or dumped.
ordered_json items_or_text(const std::string& text) {
    struct TooDeep {};
    try {
        auto items = ordered_json::parse(
            text,
            [](int depth, ordered_json::parse_event_t, ordered_json&) {
                if (depth > kMaxJsonDepth) {
                    throw TooDeep{};
                }
                return true;
            },
            false);
        return items.is_discarded() ? ordered_json(text) : items;
    } catch (const TooDeep&) {
        return text;
    }
}

}  // namespace

ordered_json stored_order_json(const std::map<std::string, std::string>& fields,
                               const std::string& group) {
    const auto field = [&](const char* name) -> std::string {
        const auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
    };
    ordered_json out = {{"order_id", field("order_id")},
                        {"customer_id", field("customer_id")},
                        {"items", items_or_text(field("items"))},
                        {"total_cents", number_or_text(field("total_cents"))},
                        {"currency", field("currency")},
                        {"created_at", number_or_text(field("created_at"))},
                        {"status", field("status")},
                        {"payment_method", field("payment_method")},
                        {"shipping_country", field("shipping_country")},
                        {"group", group}};
    if (fields.contains("stored_at")) {
        out["stored_at_ms"] = number_or_text(field("stored_at"));
    }
    if (fields.contains("topic")) {
        out["kafka"] = {{"topic", field("topic")},
                        {"partition", number_or_text(field("partition"))},
                        {"offset", number_or_text(field("offset"))}};
    }
    return out;
}

ordered_json stored_customer_json(const std::map<std::string, std::string>& fields,
                                  const std::vector<std::pair<std::string, std::string>>& latest,
                                  const std::string& customer_id,
                                  const std::string& group) {
    const auto field = [&](const char* name) -> std::string {
        const auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
    };
    auto orders = ordered_json::array();
    for (const auto& [order_id, created_at] : latest) {
        orders.push_back({{"order_id", order_id}, {"created_at", number_or_text(created_at)}});
    }
    return {{"customer_id", customer_id},
            {"group", group},
            {"orders_count", number_or_text(field("orders_count"))},
            {"total_spent_cents", number_or_text(field("total_spent_cents"))},
            {"latest_orders", std::move(orders)}};
}

}  // namespace orderflow::gateway
