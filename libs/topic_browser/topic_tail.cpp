#include "topic_browser/topic_tail.h"

#include "common/config_error.h"
#include "kafka/cpp_config.h"

#include <librdkafka/rdkafkacpp.h>

#include <vector>

namespace orderflow::topic_browser {

struct TopicTail::Events : kafka::LoggingEventCb {};

TopicTail::TopicTail(const kafka::ClientSettings& settings,
                     const std::string& topic,
                     const std::map<std::int32_t, std::int64_t>& starts)
    : events_(std::make_unique<Events>()) {
    // assign() never joins the group the C++ consumer insists on; nothing is committed.
    auto conf = kafka::make_cpp_conf(settings, {{"group.id", settings.client_id + "-tail"},
                                                {"enable.auto.commit", "false"},
                                                {"enable.auto.offset.store", "false"}});
    std::string error;
    conf->set("event_cb", static_cast<RdKafka::EventCb*>(events_.get()), error);
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer_) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create a tail consumer: " + error);
    }
    std::vector<RdKafka::TopicPartition*> assignment;
    for (const auto& [partition, offset] : starts) {
        assignment.push_back(RdKafka::TopicPartition::create(topic, partition, offset));
    }
    consumer_->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
}

TopicTail::~TopicTail() {
    consumer_->close();
}

std::optional<kafka::Record> TopicTail::next(std::chrono::milliseconds wait) {
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(static_cast<int>(wait.count())));
    if (message->err() != RdKafka::ERR_NO_ERROR) {
        return std::nullopt;
    }
    return kafka::copy_out(*message);
}

}  // namespace orderflow::topic_browser
