#include "producer/producer_failpoint.h"

#include "common/config_error.h"
#include "common/settings.h"

#include <librdkafka/rdkafka.h>

#include <span>
#include <string_view>

namespace orderflow::producer {
namespace {

constexpr const char* kSetting = "ORDERFLOW_FAILPOINT";

int error_named(std::string_view name) {
    const rd_kafka_err_desc* descriptions = nullptr;
    std::size_t count = 0;
    rd_kafka_get_err_descs(&descriptions, &count);
    for (const auto& description : std::span(descriptions, count)) {
        if (description.name != nullptr && name == description.name) {
            return description.code;
        }
    }
    throw common::ConfigError(kSetting, "no librdkafka error named '" + std::string(name) +
                                            "' (like OUT_OF_ORDER_SEQUENCE_NUMBER)");
}

}  // namespace

ProducerFailpoint parse_producer_failpoint(const std::string& text) {
    constexpr std::string_view kFatalAfter = "fatal-after:";
    ProducerFailpoint failpoint;
    if (text.empty()) {
        return failpoint;
    }
    std::string_view view(text);
    if (!view.starts_with(kFatalAfter)) {
        throw common::ConfigError(kSetting,
                                  "unknown failpoint '" + text + "' (fatal-after:N[:ERROR])");
    }
    view.remove_prefix(kFatalAfter.size());
    const auto colon = view.find(':');
    failpoint.fatal_after = common::parse_int(kSetting, view.substr(0, colon), 1, INT64_MAX);
    failpoint.fatal_error = colon == std::string_view::npos
                                ? RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER
                                : error_named(view.substr(colon + 1));
    return failpoint;
}

}  // namespace orderflow::producer
