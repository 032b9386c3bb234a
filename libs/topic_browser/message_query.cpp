#include "topic_browser/message_query.h"

#include <algorithm>
#include <stdexcept>

namespace orderflow::topic_browser {

ReadPlan plan_read(const MessageQuery& query,
                   const std::map<std::int32_t, kafka::Watermarks>& marks,
                   const std::map<std::int32_t, std::int64_t>& time_offsets) {
    if (query.partition && !marks.contains(*query.partition)) {
        throw std::invalid_argument("partition: " + std::to_string(*query.partition) +
                                    " does not exist (the topic has " +
                                    std::to_string(marks.size()) + " partitions)");
    }
    const auto window = static_cast<std::int64_t>(query.filtered() ? kFilterWindow : query.limit);
    ReadPlan plan;
    for (const auto& [partition, mark] : marks) {
        if (query.partition && partition != *query.partition) {
            continue;
        }
        std::int64_t start = mark.low;
        if (query.newest_first()) {
            start = std::max(mark.low, mark.high - window);
            plan.cut = plan.cut || start > mark.low;
            plan.start[partition] = start;
            plan.end[partition] = mark.high;
            continue;
        }
        if (query.offset) {
            if (*query.offset > mark.high) {
                throw std::invalid_argument(
                    "offset: " + std::to_string(*query.offset) + " is past the end of partition " +
                    std::to_string(partition) + " (" + std::to_string(mark.high) + ")");
            }
            start = std::max(mark.low, *query.offset);
        } else if (query.timestamp_ms) {
            const auto it = time_offsets.find(partition);
            start = std::max(mark.low, it != time_offsets.end() ? it->second : mark.high);
        }
        const auto end = std::min(mark.high, start + window);
        plan.cut = plan.cut || end < mark.high;
        plan.start[partition] = start;
        plan.end[partition] = end;
    }
    return plan;
}

bool matches(const Message& message, const MessageQuery& query) {
    if (query.key && message.key != query.key) {
        return false;
    }
    if (query.text.empty()) {
        return true;
    }
    if (message.key && message.key->find(query.text) != std::string::npos) {
        return true;
    }
    const auto& shown = message.value ? dump(*message.value)
                                      : message.value_text.value_or(message.value_hex.value_or(""));
    return shown.find(query.text) != std::string::npos;
}

MessagePage select(std::vector<Message> decoded, const MessageQuery& query, bool cut) {
    std::erase_if(decoded, [&query](const Message& m) { return !matches(m, query); });
    const auto older = [](const Message& a, const Message& b) {
        return std::tuple(a.timestamp_ms, a.partition, a.offset) <
               std::tuple(b.timestamp_ms, b.partition, b.offset);
    };
    if (query.newest_first()) {
        std::sort(decoded.begin(), decoded.end(),
                  [&older](const Message& a, const Message& b) { return older(b, a); });
    } else {
        std::sort(decoded.begin(), decoded.end(), older);
    }
    MessagePage page;
    page.truncated = cut || decoded.size() > query.limit;
    if (decoded.size() > query.limit) {
        decoded.resize(query.limit);
    }
    page.messages = std::move(decoded);
    return page;
}

MessagePage read_messages(const kafka::ClientSettings& reader,
                          MessageDecoder& decoder,
                          const std::string& topic,
                          const MessageQuery& query,
                          const std::map<std::int32_t, kafka::Watermarks>& marks,
                          const std::map<std::int32_t, std::int64_t>& time_offsets,
                          std::chrono::milliseconds timeout) {
    const auto plan = plan_read(query, marks, time_offsets);
    kafka::ReadRequest request;
    request.topic = topic;
    for (const auto& [partition, start] : plan.start) {
        request.partitions.push_back(partition);
    }
    request.start_offsets = plan.start;
    request.end_offsets = plan.end;
    request.limit = static_cast<std::size_t>(query.filtered() ? kFilterWindow : query.limit) *
                    std::max<std::size_t>(1, plan.start.size());
    request.timeout = timeout;
    // Streamed, keeping only what the filter lets through: a filtered page searches up to
    // kFilterWindow records a partition and must not hold them all.
    std::vector<Message> decoded;
    kafka::read_topic(reader, request, [&](kafka::Record& record) {
        auto message = decoder.decode(record);
        if (matches(message, query)) {
            decoded.push_back(std::move(message));
        }
    });
    return select(std::move(decoded), query, plan.cut);
}

}  // namespace orderflow::topic_browser
