#include "kafka/kafka_error.h"

namespace orderflow::kafka {

std::string describe(rd_kafka_resp_err_t code) {
    return std::string(rd_kafka_err2str(code)) + " (" + rd_kafka_err2name(code) + ")";
}

}  // namespace orderflow::kafka
