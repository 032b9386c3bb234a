// The gateway's GET /v1/orders/{id} answer from a Redis hash (services/gateway stored_order):
// Redis contents are outside bytes, so any fields and values must become a JSON answer that
// dumps (invalid UTF-8 replaced, as the gateway answers) and parses back; a throw, a crash or an
// answer that is not JSON is a bug. Input: NUL-separated name, value, name, value, ...

#include "gateway/stored_order.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::map<std::string, std::string> fields;
    std::size_t at = 0;
    while (at <= input.size()) {
        const auto name_end = std::min(input.find('\0', at), input.size());
        const auto value_start = std::min(name_end + 1, input.size());
        const auto value_end = std::min(input.find('\0', value_start), input.size());
        fields[std::string(input.substr(at, name_end - at))] =
            std::string(input.substr(value_start, value_end - value_start));
        at = value_end + 1;
    }
    const auto answer = orderflow::gateway::stored_order_json(fields, "orders-auto")
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (nlohmann::json::parse(answer, nullptr, false).is_discarded()) {
        std::abort();
    }
    return 0;
}
