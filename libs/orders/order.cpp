#include "orders/order.h"

#include <cstdio>

namespace orderflow::orders {
namespace {

void append_quoted(std::string& out, const std::string& text) {
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_field(std::string& out, const char* name, const std::string& value) {
    out += '"';
    out += name;
    out += "\":";
    append_quoted(out, value);
}

void append_field(std::string& out, const char* name, std::int64_t value) {
    out += '"';
    out += name;
    out += "\":";
    out += std::to_string(value);
}

}  // namespace

std::int64_t items_total_cents(const Order& order) {
    std::int64_t total = 0;
    for (const auto& item : order.items) {
        total += static_cast<std::int64_t>(item.quantity) * item.unit_price_cents;
    }
    return total;
}

std::string to_json(const Order& order) {
    std::string out = "{";
    append_field(out, "order_id", order.order_id);
    out += ',';
    append_field(out, "customer_id", order.customer_id);
    out += ",\"items\":[";
    for (std::size_t i = 0; i < order.items.size(); ++i) {
        const auto& item = order.items[i];
        out += i == 0 ? "{" : ",{";
        append_field(out, "sku", item.sku);
        out += ',';
        append_field(out, "name", item.name);
        out += ',';
        append_field(out, "quantity", item.quantity);
        out += ',';
        append_field(out, "unit_price_cents", item.unit_price_cents);
        out += '}';
    }
    out += "],";
    append_field(out, "total_cents", order.total_cents);
    out += ',';
    append_field(out, "currency", order.currency);
    out += ',';
    append_field(out, "created_at", order.created_at_ms);
    out += ',';
    append_field(out, "status", order.status);
    out += ',';
    append_field(out, "payment_method", order.payment_method);
    out += ',';
    append_field(out, "shipping_country", order.shipping_country);
    out += '}';
    return out;
}

}  // namespace orderflow::orders
