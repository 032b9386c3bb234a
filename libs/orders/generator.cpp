#include "orders/generator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <numeric>

namespace orderflow::orders {
namespace {

constexpr std::array<const char*, 8> kCountries = {"DE", "FR", "NL", "BE", "AT", "IT", "ES", "IE"};
constexpr std::array<const char*, 4> kPaymentMethods = {"card", "paypal", "bank_transfer",
                                                        "invoice"};

}  // namespace

const std::vector<Product>& default_catalogue() {
    static const std::vector<Product> catalogue = {
        {"SKU-1001", "Espresso beans 1 kg", 1899}, {"SKU-1002", "Filter coffee 500 g", 899},
        {"SKU-1003", "Green tea 100 bags", 649},   {"SKU-2001", "Ceramic mug", 1250},
        {"SKU-2002", "Double-wall glass", 1575},   {"SKU-2003", "Milk frother", 3499},
        {"SKU-3001", "Hand grinder", 5990},        {"SKU-3002", "French press 1 l", 2950},
        {"SKU-3003", "Pour-over kettle", 4495},    {"SKU-4001", "Paper filters x100", 399},
        {"SKU-4002", "Descaler 250 ml", 799},      {"SKU-4003", "Gift card", 2500},
    };
    return catalogue;
}

std::vector<Customer> customer_pool(int count) {
    std::vector<Customer> pool;
    pool.reserve(static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 1; i <= count; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "cust-%04d", i);
        pool.push_back({id, kCountries[static_cast<std::size_t>(i) % kCountries.size()]});
    }
    return pool;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

OrderGenerator::OrderGenerator(std::uint64_t seed, int customers, Clock clock)
    : random_(seed), customers_(customer_pool(std::max(customers, 1))), clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = now_ms;
    }
}

std::string uuid_v4(std::uint64_t high, std::uint64_t low) {
    std::array<unsigned char, 16> bytes{};
    for (int i = 0; i < 8; ++i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(high >> (56 - 8 * i));
        bytes[static_cast<std::size_t>(i + 8)] = static_cast<unsigned char>(low >> (56 - 8 * i));
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
    std::string out;
    out.reserve(36);
    constexpr const char* kHex = "0123456789abcdef";
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out += '-';
        }
        out += kHex[bytes[i] >> 4];
        out += kHex[bytes[i] & 0x0F];
    }
    return out;
}

std::string OrderGenerator::next_uuid() {
    const std::uint64_t high = random_();
    const std::uint64_t low = random_();
    return uuid_v4(high, low);
}

Order OrderGenerator::next() {
    const auto& catalogue = default_catalogue();
    Order order;
    order.order_id = next_uuid();
    const auto& customer =
        customers_[std::uniform_int_distribution<std::size_t>(0, customers_.size() - 1)(random_)];
    order.customer_id = customer.customer_id;
    order.shipping_country = customer.country;

    std::vector<std::size_t> indexes(catalogue.size());
    std::iota(indexes.begin(), indexes.end(), 0);
    std::shuffle(indexes.begin(), indexes.end(), random_);
    const auto lines = std::uniform_int_distribution<std::size_t>(1, 4)(random_);
    for (std::size_t i = 0; i < lines; ++i) {
        const auto& product = catalogue[indexes[i]];
        const auto quantity = std::uniform_int_distribution<std::int32_t>(1, 5)(random_);
        order.items.push_back({product.sku, product.name, quantity, product.unit_price_cents});
    }
    order.total_cents = items_total_cents(order);
    order.currency = "EUR";
    order.payment_method = kPaymentMethods[std::uniform_int_distribution<std::size_t>(
        0, kPaymentMethods.size() - 1)(random_)];
    order.status = kDefaultStatus;
    order.created_at_ms = clock_();
    return order;
}

}  // namespace orderflow::orders
