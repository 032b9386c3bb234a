// The gateway's GET /v1/orders/{id} and GET /v1/customers/{id} answers from Redis (services/gateway
// stored_order): Redis contents are outside bytes, so any fields and values must become a JSON
// answer that dumps (invalid UTF-8 replaced, as the gateway answers) and parses back; a throw, a
// crash or an answer that is not JSON is a bug. Input: NUL-separated name, value, name, value,
// ... read as an order hash, as a customer hash, and as the customer's (order id, score) pairs.

#include "gateway/stored_order.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::map<std::string, std::string> fields;
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t at = 0;
    while (at <= input.size()) {
        const auto name_end = std::min(input.find('\0', at), input.size());
        const auto value_start = std::min(name_end + 1, input.size());
        const auto value_end = std::min(input.find('\0', value_start), input.size());
        std::string name(input.substr(at, name_end - at));
        std::string value(input.substr(value_start, value_end - value_start));
        pairs.emplace_back(name, value);
        fields[std::move(name)] = std::move(value);
        at = value_end + 1;
    }
    const auto check = [](const nlohmann::ordered_json& json) {
        const auto answer = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (nlohmann::json::parse(answer, nullptr, false).is_discarded()) {
            std::abort();
        }
    };
    check(orderflow::gateway::stored_order_json(fields, "orders-auto"));
    check(orderflow::gateway::stored_customer_json(fields, pairs, input.empty() ? "" : "c\xff",
                                                   "orders-auto"));
    return 0;
}
