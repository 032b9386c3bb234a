#include "orders/validation.h"

#include <cctype>

namespace orderflow::orders {
namespace {

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::optional<std::int64_t> checked_items_total(const Order& order) {
    std::int64_t total = 0;
    for (const auto& item : order.items) {
        std::int64_t line = 0;
        if (__builtin_mul_overflow(static_cast<std::int64_t>(item.quantity), item.unit_price_cents,
                                   &line) ||
            __builtin_add_overflow(total, line, &total) || total > kMaxAmountCents ||
            total < -kMaxAmountCents) {
            return std::nullopt;
        }
    }
    return total;
}

bool is_uuid(const std::string& text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? text[i] != '-' : !is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

std::vector<Problem> problems(const Order& order) {
    std::vector<Problem> problems;
    if (!is_uuid(order.order_id)) {
        problems.push_back({"order_id", "order_id '" + order.order_id + "' is not a UUID"});
    }
    if (order.customer_id.empty()) {
        problems.push_back({"customer_id", "customer_id is empty"});
    } else if (order.customer_id.size() > kMaxIdBytes) {
        problems.push_back(
            {"customer_id", "customer_id of " + std::to_string(order.customer_id.size()) +
                                " bytes is longer than " + std::to_string(kMaxIdBytes)});
    }
    if (order.items.empty()) {
        problems.push_back({"items", "the order has no items"});
    } else if (order.items.size() > kMaxItems) {
        problems.push_back({"items", std::to_string(order.items.size()) + " items are more than " +
                                         std::to_string(kMaxItems)});
    }
    const auto problems_before_items = problems.size();
    for (std::size_t i = 0; i < order.items.size(); ++i) {
        const auto& item = order.items[i];
        const std::string where = "item " + std::to_string(i + 1) + " (" + item.sku + ")";
        const std::string field = "items[" + std::to_string(i) + "]";
        if (item.sku.empty()) {
            problems.push_back({field + ".sku", where + ": sku is empty"});
        }
        if (item.quantity < 1) {
            problems.push_back(
                {field + ".quantity",
                 where + ": quantity " + std::to_string(item.quantity) + " is not positive"});
        } else if (item.quantity > kMaxQuantity) {
            problems.push_back(
                {field + ".quantity", where + ": quantity " + std::to_string(item.quantity) +
                                          " is above " + std::to_string(kMaxQuantity)});
        }
        if (item.unit_price_cents < 0) {
            problems.push_back(
                {field + ".unit_price_cents",
                 where + ": unit price " + std::to_string(item.unit_price_cents) + " is negative"});
        } else if (item.unit_price_cents > kMaxAmountCents) {
            problems.push_back({field + ".unit_price_cents",
                                where + ": unit price " + std::to_string(item.unit_price_cents) +
                                    " is above " + std::to_string(kMaxAmountCents)});
        }
    }
    // A bad item already explains a negative or huge total: one sentence per cause.
    const bool items_ok = problems.size() == problems_before_items;
    const auto sum = checked_items_total(order);
    if (sum && *sum != order.total_cents) {
        problems.push_back({"total_cents", "total_cents " + std::to_string(order.total_cents) +
                                               " does not equal the items' sum " +
                                               std::to_string(*sum)});
    } else if (items_ok && (order.total_cents < 0 || order.total_cents > kMaxAmountCents)) {
        problems.push_back({"total_cents", "total_cents " + std::to_string(order.total_cents) +
                                               " is outside [0, " +
                                               std::to_string(kMaxAmountCents) + "]"});
    } else if (items_ok && !sum) {
        problems.push_back(
            {"items", "the items' sum is beyond " + std::to_string(kMaxAmountCents)});
    }
    const bool currency_ok = order.currency.size() == 3 &&
                             std::isupper(static_cast<unsigned char>(order.currency[0])) != 0 &&
                             std::isupper(static_cast<unsigned char>(order.currency[1])) != 0 &&
                             std::isupper(static_cast<unsigned char>(order.currency[2])) != 0;
    if (!currency_ok) {
        problems.push_back(
            {"currency", "currency '" + order.currency + "' is not a three-letter ISO code"});
    }
    if (order.created_at_ms <= 0) {
        problems.push_back({"created_at", "created_at " + std::to_string(order.created_at_ms) +
                                              " is not a positive timestamp"});
    }
    return problems;
}

std::vector<std::string> validate(const Order& order) {
    std::vector<std::string> messages;
    for (auto& problem : problems(order)) {
        messages.push_back(std::move(problem.message));
    }
    return messages;
}

std::string validation_summary(const Order& order) {
    std::string out;
    for (const auto& problem : validate(order)) {
        out += (out.empty() ? "" : "; ") + problem;
    }
    return out;
}

}  // namespace orderflow::orders
