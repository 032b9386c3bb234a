#include "dead_letters/dead_letter_reader.h"

#include "common/config_error.h"
#include "kafka/admin_client.h"
#include "kafka/group_admin.h"
#include "kafka/topic_reader.h"

namespace orderflow::dead_letters {

std::vector<DeadLetterRecord> read_dead_letters(const kafka::ClientSettings& settings,
                                                const std::string& dlq_topic,
                                                std::size_t limit,
                                                std::chrono::milliseconds timeout) {
    kafka::ReadRequest request;
    request.topic = dlq_topic;
    request.limit = limit;
    request.timeout = timeout;
    {
        auto admin_settings = settings;
        admin_settings.client_id += "-admin";
        kafka::AdminClient admin(admin_settings);
        const auto info = admin.find_topic(dlq_topic);
        if (!info) {
            throw common::ConfigError("DLQ_TOPIC", "topic " + dlq_topic + " does not exist");
        }
        request.partitions = info->partition_ids();
    }
    // Where each partition starts and ends, as numbers: a reader assigned "the beginning"
    // first asks the leader for it, which librdkafka 2.0.2 retries only after 500 ms when the
    // leader is not known yet (every time, for a fresh reader); known ends also spare waiting
    // for the end-of-partition signal.
    kafka::GroupAdmin admin(settings, timeout);
    for (const auto partition : request.partitions) {
        const auto marks = admin.watermarks(dlq_topic, partition);
        request.start_offsets[partition] = marks.low;
        request.end_offsets[partition] = marks.high;
    }
    std::vector<DeadLetterRecord> letters;
    for (auto& record : kafka::read_topic(settings, request)) {
        letters.push_back(to_dead_letter(std::move(record)));
    }
    return letters;
}

}  // namespace orderflow::dead_letters
