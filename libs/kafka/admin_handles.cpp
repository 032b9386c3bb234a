#include "kafka/admin_handles.h"

#include <array>

namespace orderflow::kafka {

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
