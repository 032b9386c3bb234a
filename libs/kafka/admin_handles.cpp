#include "kafka/admin_handles.h"

#include "common/config_error.h"

#include <array>

namespace orderflow::kafka {

HandlePtr make_admin_handle(const ClientSettings& settings) {
    auto conf = make_conf(settings);
    std::array<char, 512> error{};
    rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error.data(), error.size());
    if (handle == nullptr) {
        throw common::ConfigError("KAFKA_BOOTSTRAP_SERVERS", error.data());
    }
    conf.release();  // rd_kafka_new took ownership
    return HandlePtr(handle);
}

AdminOptionsPtr admin_options(rd_kafka_t* handle,
                              rd_kafka_admin_op_t op,
                              std::chrono::milliseconds timeout) {
    AdminOptionsPtr options(rd_kafka_AdminOptions_new(handle, op));
    std::array<char, 512> error{};
    rd_kafka_AdminOptions_set_request_timeout(options.get(), static_cast<int>(timeout.count()),
                                              error.data(), error.size());
    return options;
}

}  // namespace orderflow::kafka
