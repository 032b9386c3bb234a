#include "topic_browser/topic_tail.h"

#include "kafka/clients.h"
#include "kafka/cpp_config.h"
#include "kafka/presets.h"

#include <librdkafka/rdkafkacpp.h>

#include <vector>

namespace orderflow::topic_browser {

struct TopicTail::Events : kafka::LoggingEventCb {};

TopicTail::TopicTail(const kafka::ClientSettings& settings,
                     const std::string& topic,
                     const std::map<std::int32_t, std::int64_t>& starts)
    : events_(std::make_unique<Events>()) {
    // assign() never joins the group the C++ consumer insists on; nothing is committed.
    consumer_ =
        kafka::make_cpp_consumer(settings, kafka::presets::reader(settings.client_id + "-tail"),
                                 "a tail consumer", {.events = events_.get()});
    kafka::CppPartitions assignment;
    for (const auto& [partition, offset] : starts) {
        assignment.push_back(kafka::make_cpp_partition(topic, partition, offset));
    }
    consumer_->assign(kafka::borrow(assignment));
}

TopicTail::~TopicTail() {
    consumer_->close();
}

std::optional<kafka::Record> TopicTail::next(std::chrono::milliseconds wait) {
    kafka::CppMessagePtr message(consumer_->consume(static_cast<int>(wait.count())));
    if (message->err() != RdKafka::ERR_NO_ERROR) {
        return std::nullopt;
    }
    return kafka::copy_out(*message);
}

}  // namespace orderflow::topic_browser
