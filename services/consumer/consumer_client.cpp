#include "consumer/consumer_client.h"

#include "kafka/clients.h"

namespace orderflow::consumer {

void ConsumerEvents::event_cb(RdKafka::Event& event) {
    logging_.event_cb(event);
    try {
        if (event.type() == RdKafka::Event::EVENT_ERROR && event.fatal()) {
            fatal_.stop("kafka fatal error: " + RdKafka::err2str(event.err()) + ": " + event.str());
        }
    } catch (...) {
        // Called from C: nothing may escape.
        fatal_.stop("kafka fatal error");
    }
}

std::unique_ptr<RdKafka::KafkaConsumer> make_consumer_client(const ConsumerSettings& settings,
                                                             RdKafka::RebalanceCb& rebalance,
                                                             RdKafka::EventCb& events) {
    const bool auto_commit = settings.mode == CommitMode::kAuto;
    auto client = settings.pipeline.kafka;
    client.client_id = "orderflow-consumer-" + settings.group;
    return kafka::make_cpp_consumer(
        client,
        {{"group.id", settings.group},
         {"enable.auto.commit", auto_commit ? "true" : "false"},
         {"auto.commit.interval.ms", "1000"},
         {"enable.auto.offset.store", "false"},
         {"auto.offset.reset", "earliest"},
         {"enable.partition.eof", "false"},
         // Eager assignors: the cooperative one has 2.0.2 bugs.
         {"partition.assignment.strategy", "range,roundrobin"},
         {"session.timeout.ms", "10000"},
         // COMMIT_TIMEOUT bounds every request: close() with a hung coordinator
         // waits about two of them, not a minute.
         {"socket.timeout.ms", std::to_string(settings.commit_timeout.count())},
         {"heartbeat.interval.ms", "2000"},
         // A topic this consumer created a moment ago may be missing from the metadata its
         // first join saw (assigned nothing); the group notices it at the next refresh, which
         // librdkafka's default would put 5 minutes away (seen in a CI run under load).
         {"topic.metadata.refresh.interval.ms", "5000"},
         // Prefetch sized on purpose: librdkafka's defaults (64 MB queued per partition,
         // 50 MB per fetch) grew a backlogged consumer to ~62 MB; 2 MB per partition is
         // still ~12 000 orders each, far more than a Redis round trip takes.
         {"queued.min.messages", "10000"},
         {"queued.max.messages.kbytes", "2048"},
         {"fetch.max.bytes", "2097152"}},
        "the consumer", {.events = &events, .rebalance = &rebalance});
}

}  // namespace orderflow::consumer
