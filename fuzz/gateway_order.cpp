// The gateway's POST /v1/orders body (services/gateway order_request): any bytes a client sends
// become an order that passes the store's own checks, or a RequestError (a 4xx with the field);
// anything else escaping, or an accepted order the store would refuse, is a bug.

#include "gateway/order_request.h"
#include "orders/validation.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    try {
        const auto order = orderflow::gateway::parse_order(body, "fuzz-order", 1700000000000);
        if (!orderflow::orders::problems(order).empty()) {
            std::abort();  // accepted, yet the store would refuse it
        }
    } catch (const orderflow::gateway::RequestError& e) {
        if (e.status() < 400 || e.status() > 499) {
            std::abort();
        }
    }
    return 0;
}
