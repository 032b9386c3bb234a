#include "producer/producer_client.h"

#include "common/config_error.h"

#include <array>

namespace orderflow::producer {

kafka::HandlePtr make_producer_client(const ProducerSettings& settings,
                                      DeliveryReportCb on_delivery,
                                      ClientErrorCb on_error,
                                      void* opaque) {
    auto conf = kafka::make_conf(
        settings.pipeline.kafka,
        {{"enable.idempotence", "true"},
         {"acks", "all"},
         // Java-compatible key -> partition mapping, so every client agrees on a customer's
         // partition.
         {"partitioner", "murmur2_random"},
         {"linger.ms", "5"},
         // A bounded queue: librdkafka's defaults (100 000 messages, 1 GB) let a producer at
         // --rate max grow past 100 MB while the brokers lag (each queued order also holds its
         // PendingOrder copy for re-sends); 10 000 orders are still ~0.15 s of sends.
         {"queue.buffering.max.messages", "10000"},
         {"queue.buffering.max.kbytes", "8192"},
         {"message.timeout.ms", std::to_string(settings.delivery_timeout.count())}});
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    rd_kafka_conf_set_error_cb(conf.get(), on_error);
    rd_kafka_conf_set_opaque(conf.get(), opaque);
    std::array<char, 512> error{};
    rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error.data(), error.size());
    if (handle == nullptr) {
        throw common::ConfigError("KAFKA_EXTRA", error.data());
    }
    conf.release();  // owned by the handle now
    return kafka::HandlePtr(handle);
}

}  // namespace orderflow::producer
