#include "gateway/stored_order.h"

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

ordered_json items_or_text(const std::string& text) {
    auto items = ordered_json::parse(text, nullptr, false);
    return items.is_discarded() ? ordered_json(text) : items;
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

}  // namespace orderflow::gateway
