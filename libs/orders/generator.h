#pragma once

#include "orders/order.h"

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace orderflow::orders {

struct Product {
    std::string sku;
    std::string name;
    std::int64_t unit_price_cents = 0;
};

struct Customer {
    std::string customer_id;
    std::string country;
};

/// The built-in catalogue (a dozen products, prices in EUR cents).
const std::vector<Product>& default_catalogue();

/// `count` customers "cust-0001".. with a country each; the same for every run.
std::vector<Customer> customer_pool(int count);

/**
 * Makes plausible orders: 1-4 distinct products, quantity 1-5, one customer of the pool, a
 * payment method, EUR. The same seed gives the same sequence of orders (ids included, UUID v4
 * drawn from the seeded generator); only created_at comes from `clock` (milliseconds).
 * Not thread-safe.
 */
class OrderGenerator {
public:
    using Clock = std::function<std::int64_t()>;

    explicit OrderGenerator(std::uint64_t seed, int customers = 50, Clock clock = {});

    Order next();
    const std::vector<Customer>& customers() const { return customers_; }

private:
    std::string next_uuid();

    std::mt19937_64 random_;
    std::vector<Customer> customers_;
    Clock clock_;
};

/// A version 4 UUID (lower-case 8-4-4-4-12) from 128 random bits; the version and variant bits
/// are set over them.
std::string uuid_v4(std::uint64_t high, std::uint64_t low);

/// Milliseconds since the Unix epoch, now.
std::int64_t now_ms();

}  // namespace orderflow::orders
