#include "gateway/order_request.h"

#include "orders/validation.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <limits>

namespace orderflow::gateway {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& code, const std::string& field, const std::string& what) {
    throw RequestError(400, code, field, what);
}

json parse_bounded(std::string_view body) {
    try {
        // The callback sees each value's depth as the parser reaches it, so a deep body is
        // refused before it is built.
        return json::parse(body, [](int depth, json::parse_event_t, json&) {
            if (depth > kMaxJsonDepth) {
                throw RequestError(400, "invalid_json", "",
                                   "the body nests deeper than " + std::to_string(kMaxJsonDepth));
            }
            return true;
        });
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number past a double ("1e999"): both the body's.
        bad("invalid_json", "", std::string("the body is not JSON: ") + e.what());
    }
}

void only_fields(const json& object,
                 std::initializer_list<const char*> known,
                 const std::string& prefix) {
    for (const auto& [name, value] : object.items()) {
        bool found = false;
        for (const char* k : known) {
            found = found || name == k;
        }
        if (!found) {
            bad("unknown_field", prefix + name, "unknown field '" + prefix + name + "'");
        }
    }
}

const json* member(const json& object, const char* name, const std::string& field, bool required) {
    const auto it = object.find(name);
    if (it == object.end()) {
        if (required) {
            bad("missing_field", field, field + " is required");
        }
        return nullptr;
    }
    return &*it;
}

std::string text(const json& object,
                 const char* name,
                 const std::string& field,
                 std::size_t max_bytes,
                 const char* fallback = nullptr) {
    const auto* value = member(object, name, field, fallback == nullptr);
    if (value == nullptr) {
        return fallback;
    }
    if (!value->is_string()) {
        bad("wrong_type", field, field + " must be a string");
    }
    auto out = value->get<std::string>();
    if (out.size() > max_bytes) {
        bad("out_of_range", field,
            field + " of " + std::to_string(out.size()) + " bytes is longer than " +
                std::to_string(max_bytes));
    }
    return out;
}

std::int64_t integer(const json& object, const char* name, const std::string& field) {
    const auto& value = *member(object, name, field, true);
    if (!value.is_number_integer()) {
        bad("wrong_type", field, field + " must be an integer");
    }
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        bad("out_of_range", field, field + " is beyond a 64-bit integer");
    }
    return value.get<std::int64_t>();
}

orders::OrderItem parse_item(const json& value, std::size_t index) {
    const std::string prefix = "items[" + std::to_string(index) + "].";
    if (!value.is_object()) {
        bad("wrong_type", prefix.substr(0, prefix.size() - 1), "each item must be an object");
    }
    only_fields(value, {"sku", "name", "quantity", "unit_price_cents"}, prefix);
    orders::OrderItem item;
    item.sku = text(value, "sku", prefix + "sku", kMaxSkuBytes);
    item.name = text(value, "name", prefix + "name", kMaxItemNameBytes, "");
    const auto quantity = integer(value, "quantity", prefix + "quantity");
    // Past the store's bound, so orders::problems() names it; clamped only to fit the field.
    item.quantity = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(quantity, -1, std::int64_t{orders::kMaxQuantity} + 1));
    item.unit_price_cents = integer(value, "unit_price_cents", prefix + "unit_price_cents");
    return item;
}

bool is_country(const std::string& code) {
    return code.empty() || (code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
                            std::isupper(static_cast<unsigned char>(code[1])));
}

bool is_method_name(const std::string& method) {
    if (method.empty()) {
        return false;
    }
    for (const char c : method) {
        if (!std::islower(static_cast<unsigned char>(c)) &&
            !std::isdigit(static_cast<unsigned char>(c)) && c != '_') {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string error_body(const std::string& code,
                       const std::string& message,
                       const std::string& field) {
    const json body = {{"error", {{"code", code}, {"message", message}, {"field", field}}}};
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

orders::Order parse_order(std::string_view body, std::string order_id, std::int64_t created_at_ms) {
    const auto document = parse_bounded(body);
    if (!document.is_object()) {
        bad("not_an_object", "", "the body must be a JSON object");
    }
    only_fields(document,
                {"customer_id", "items", "currency", "shipping_country", "payment_method"}, "");
    orders::Order order;
    order.order_id = std::move(order_id);
    order.created_at_ms = created_at_ms;
    order.status = orders::kDefaultStatus;
    order.customer_id = text(document, "customer_id", "customer_id", orders::kMaxIdBytes);
    const auto& items = *member(document, "items", "items", true);
    if (!items.is_array()) {
        bad("wrong_type", "items", "items must be an array");
    }
    if (items.size() > orders::kMaxItems) {
        bad("out_of_range", "items",
            std::to_string(items.size()) + " items are more than " +
                std::to_string(orders::kMaxItems));
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        order.items.push_back(parse_item(items[i], i));
    }
    order.currency = text(document, "currency", "currency", 3 + 1);
    order.shipping_country =
        text(document, "shipping_country", "shipping_country", 2, orders::kDefaultShippingCountry);
    if (!is_country(order.shipping_country)) {
        bad("invalid_value", "shipping_country",
            "shipping_country '" + order.shipping_country + "' is not an ISO 3166-1 alpha-2 code");
    }
    order.payment_method = text(document, "payment_method", "payment_method",
                                kMaxPaymentMethodBytes, orders::kDefaultPaymentMethod);
    if (!is_method_name(order.payment_method)) {
        bad("invalid_value", "payment_method",
            "payment_method '" + order.payment_method + "' is not a name of [a-z0-9_]");
    }
    order.total_cents = orders::checked_items_total(order).value_or(0);
    // The store's own checks, with their field: what it would refuse is refused here.
    if (const auto problems = orders::problems(order); !problems.empty()) {
        bad("invalid_value", problems.front().field, problems.front().message);
    }
    return order;
}

}  // namespace orderflow::gateway
