#include "kafka/clients.h"

#include "common/config_error.h"
#include "kafka/cpp_config.h"
#include "kafka/kafka_error.h"

#include <array>

namespace orderflow::kafka {
namespace {

ConfPtr conf_with(const ClientSettings& settings,
                  const std::vector<Property>& properties,
                  const CCallbacks& callbacks) {
    auto conf = make_conf(settings, properties);
    if (callbacks.delivery != nullptr) {
        rd_kafka_conf_set_dr_msg_cb(conf.get(), callbacks.delivery);
    }
    if (callbacks.error != nullptr) {
        rd_kafka_conf_set_error_cb(conf.get(), callbacks.error);
    }
    if (callbacks.rebalance != nullptr) {
        rd_kafka_conf_set_rebalance_cb(conf.get(), callbacks.rebalance);
    }
    rd_kafka_conf_set_opaque(conf.get(), callbacks.opaque);
    return conf;
}

template <class Callback>
void set_callback(RdKafka::Conf& conf, const std::string& name, Callback* callback) {
    if (callback == nullptr) {
        return;
    }
    std::string error;
    if (conf.set(name, callback, error) != RdKafka::Conf::CONF_OK) {
        throw common::ConfigError("kafka " + name, error);
    }
}

CppConfPtr cpp_conf_with(const ClientSettings& settings,
                         const std::vector<Property>& properties,
                         const CppCallbacks& callbacks) {
    auto conf = make_cpp_conf(settings, properties);
    set_callback(*conf, "event_cb", callbacks.events);
    set_callback(*conf, "rebalance_cb", callbacks.rebalance);
    set_callback(*conf, "dr_cb", callbacks.delivery);
    return conf;
}

[[noreturn]] void refused(const ClientSettings& settings,
                          const std::string& setting,
                          const std::string& what,
                          const std::string& error) {
    throw common::ConfigError(setting.empty() ? settings.source() : setting,
                              "cannot create " + what + ": " + settings.redact(error));
}

template <class Client>
std::unique_ptr<Client> checked(Client* client,
                                const ClientSettings& settings,
                                const std::string& what,
                                const std::string& error) {
    if (client == nullptr) {
        refused(settings, "", what, error);
    }
    return std::unique_ptr<Client>(client);
}

}  // namespace

HandlePtr make_handle(rd_kafka_type_t type,
                      ConfPtr conf,
                      const ClientSettings& settings,
                      const std::string& what,
                      const std::string& setting) {
    std::array<char, 512> error{};
    rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error.data(), error.size());
    if (handle == nullptr) {
        refused(settings, setting, what, error.data());
    }
    conf.release();  // rd_kafka_new took it
    return HandlePtr(handle);
}

HandlePtr make_producer(const ClientSettings& settings,
                        const std::vector<Property>& properties,
                        const std::string& what,
                        const CCallbacks& callbacks) {
    return make_handle(RD_KAFKA_PRODUCER, conf_with(settings, properties, callbacks), settings,
                       what);
}

HandlePtr make_consumer(const ClientSettings& settings,
                        const std::vector<Property>& properties,
                        const std::string& what,
                        const CCallbacks& callbacks) {
    auto handle =
        make_handle(RD_KAFKA_CONSUMER, conf_with(settings, properties, callbacks), settings, what);
    rd_kafka_poll_set_consumer(handle.get());
    return handle;
}

CppConsumerPtr make_cpp_consumer(const ClientSettings& settings,
                                 const std::vector<Property>& properties,
                                 const std::string& what,
                                 const CppCallbacks& callbacks) {
    const auto conf = cpp_conf_with(settings, properties, callbacks);
    std::string error;
    return checked(RdKafka::KafkaConsumer::create(conf.get(), error), settings, what, error);
}

CppProducerPtr make_cpp_producer(const ClientSettings& settings,
                                 const std::vector<Property>& properties,
                                 const std::string& what,
                                 const CppCallbacks& callbacks) {
    const auto conf = cpp_conf_with(settings, properties, callbacks);
    std::string error;
    return checked(RdKafka::Producer::create(conf.get(), error), settings, what, error);
}

PartitionListPtr make_partition_list(const std::vector<PartitionOffset>& partitions) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& p : partitions) {
        rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset =
            p.offset;
    }
    return list;
}

TopicPtr make_topic(rd_kafka_t* handle, const std::string& topic) {
    return TopicPtr(rd_kafka_topic_new(handle, topic.c_str(), nullptr));
}

CppPartitionPtr make_cpp_partition(const std::string& topic,
                                   std::int32_t partition,
                                   std::int64_t offset) {
    return CppPartitionPtr(RdKafka::TopicPartition::create(topic, partition, offset));
}

CppHeadersPtr make_cpp_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
    CppHeadersPtr made(RdKafka::Headers::create());
    for (const auto& [name, value] : headers) {
        made->add(name, value);
    }
    return made;
}

CppTopicPtr make_cpp_topic(RdKafka::Handle& client, const std::string& topic) {
    std::string error;
    CppTopicPtr made(RdKafka::Topic::create(&client, topic, nullptr, error));
    if (!made) {
        throw KafkaError(RD_KAFKA_RESP_ERR__INVALID_ARG,
                         "cannot create topic object " + topic + ": " + error);
    }
    return made;
}

}  // namespace orderflow::kafka
