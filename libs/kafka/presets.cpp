#include "kafka/presets.h"

namespace orderflow::kafka::presets {

std::vector<Property> failover(std::chrono::milliseconds socket_timeout,
                               std::chrono::milliseconds metadata_refresh) {
    return {{"socket.timeout.ms", std::to_string(socket_timeout.count())},
            {"topic.metadata.refresh.interval.ms", std::to_string(metadata_refresh.count())},
            {"reconnect.backoff.ms", "100"},
            {"reconnect.backoff.max.ms", "1000"}};
}

std::vector<Property> reader(const std::string& group) {
    return {{"group.id", group},
            {"enable.auto.commit", "false"},
            {"enable.auto.offset.store", "false"}};
}

std::vector<Property> committer(const std::string& group) {
    return {{"group.id", group}, {"enable.auto.commit", "false"}};
}

std::vector<Property> acknowledged() {
    return {{"enable.idempotence", "true"}, {"acks", "all"}};
}

std::vector<Property> join(std::initializer_list<std::vector<Property>> lists) {
    std::vector<Property> joined;
    for (const auto& list : lists) {
        joined.insert(joined.end(), list.begin(), list.end());
    }
    return joined;
}

}  // namespace orderflow::kafka::presets
