#include "kafka/admin_handles.h"

#include "kafka/clients.h"

#include <array>

namespace orderflow::kafka {

HandlePtr make_admin_handle(const ClientSettings& settings) {
    // A handle is refused only for its settings; the admin commands name the broker list, or
    // the properties file when there is one (its TLS and SASL settings are checked here).
    return make_handle(RD_KAFKA_PRODUCER, make_conf(settings), settings, "the admin client",
                       settings.properties.properties.empty() ? "KAFKA_BOOTSTRAP_SERVERS" : "");
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
