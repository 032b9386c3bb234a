#include "producer/producer_client.h"

#include "kafka/clients.h"

namespace orderflow::producer {

kafka::HandlePtr make_producer_client(const ProducerSettings& settings,
                                      DeliveryReportCb on_delivery,
                                      ClientErrorCb on_error,
                                      void* opaque) {
    return kafka::make_producer(
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
         {"message.timeout.ms", std::to_string(settings.delivery_timeout.count())}},
        "the order producer", {.delivery = on_delivery, .error = on_error, .opaque = opaque});
}

}  // namespace orderflow::producer
