#include "kafka/group_admin.h"

#include "common/config_error.h"
#include "kafka/admin_handles.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"

#include <algorithm>
#include <array>
#include <memory>

namespace orderflow::kafka {
namespace {

/// Polls the call's result with a margin over the request timeout, then checks the
/// request-level error.
EventPtr await_result(rd_kafka_queue_t* queue,
                      std::chrono::milliseconds timeout,
                      const std::string& what) {
    EventPtr event(rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 2000));
    if (!event) {
        throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT,
                         what + ": no answer within " + std::to_string(timeout.count()) + " ms");
    }
    if (const auto err = rd_kafka_event_error(event.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* text = rd_kafka_event_error_string(event.get());
        throw KafkaError(err, what + ": " + (text != nullptr ? text : describe(err)));
    }
    return event;
}

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
}

}  // namespace

GroupAdmin::GroupAdmin(const ClientSettings& settings, std::chrono::milliseconds timeout)
    : timeout_(timeout), handle_(make_admin_handle(settings)) {}

std::vector<GroupListing> GroupAdmin::list_groups() {
    QueuePtr queue(rd_kafka_queue_new(handle_.get()));
    const auto options =
        admin_options(handle_.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeout_);
    rd_kafka_ListConsumerGroups(handle_.get(), options.get(), queue.get());
    const auto event = await_result(queue.get(), timeout_, "listing consumer groups");
    const auto* result = rd_kafka_event_ListConsumerGroups_result(event.get());
    std::size_t error_count = 0;
    const auto* errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
    if (error_count > 0) {
        // A broker that did not answer would hide its groups: say so rather than list fewer.
        throw KafkaError(
            rd_kafka_error_code(errors[0]),
            "listing consumer groups: " + text_or_empty(rd_kafka_error_string(errors[0])));
    }
    std::size_t count = 0;
    const auto* listings = rd_kafka_ListConsumerGroups_result_valid(result, &count);
    std::vector<GroupListing> groups;
    for (std::size_t i = 0; i < count; ++i) {
        groups.push_back(
            {rd_kafka_ConsumerGroupListing_group_id(listings[i]),
             rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(listings[i])),
             rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listings[i]) != 0});
    }
    std::sort(groups.begin(), groups.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return groups;
}

GroupDescription GroupAdmin::describe(const std::string& group) {
    QueuePtr queue(rd_kafka_queue_new(handle_.get()));
    const auto options =
        admin_options(handle_.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout_);
    std::array<const char*, 1> ids{group.c_str()};
    rd_kafka_DescribeConsumerGroups(handle_.get(), ids.data(), ids.size(), options.get(),
                                    queue.get());
    const auto what = "describing consumer group " + group;
    const auto event = await_result(queue.get(), timeout_, what);
    const auto* result = rd_kafka_event_DescribeConsumerGroups_result(event.get());
    std::size_t count = 0;
    const auto* described = rd_kafka_DescribeConsumerGroups_result_groups(result, &count);
    if (count != 1) {
        throw KafkaError(RD_KAFKA_RESP_ERR__BAD_MSG,
                         what + ": " + std::to_string(count) + " descriptions came back");
    }
    const auto* g = described[0];
    if (const auto* error = rd_kafka_ConsumerGroupDescription_error(g); error != nullptr) {
        throw KafkaError(rd_kafka_error_code(error),
                         what + ": " + text_or_empty(rd_kafka_error_string(error)));
    }
    GroupDescription description;
    description.id = group;
    description.state =
        rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
    description.assignor = text_or_empty(rd_kafka_ConsumerGroupDescription_partition_assignor(g));
    if (const auto* node = rd_kafka_ConsumerGroupDescription_coordinator(g); node != nullptr) {
        description.coordinator = rd_kafka_Node_id(node);
    }
    for (std::size_t m = 0; m < rd_kafka_ConsumerGroupDescription_member_count(g); ++m) {
        const auto* member = rd_kafka_ConsumerGroupDescription_member(g, m);
        GroupMember out{text_or_empty(rd_kafka_MemberDescription_consumer_id(member)),
                        text_or_empty(rd_kafka_MemberDescription_client_id(member)),
                        text_or_empty(rd_kafka_MemberDescription_host(member)),
                        {}};
        const auto* partitions =
            rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
        for (int p = 0; partitions != nullptr && p < partitions->cnt; ++p) {
            out.assignment.emplace_back(partitions->elems[p].topic, partitions->elems[p].partition);
        }
        std::sort(out.assignment.begin(), out.assignment.end());
        description.members.push_back(std::move(out));
    }
    std::sort(description.members.begin(), description.members.end(),
              [](const auto& a, const auto& b) { return a.member_id < b.member_id; });
    return description;
}

std::map<TopicPartitionId, std::int64_t> GroupAdmin::committed(const std::string& group) {
    QueuePtr queue(rd_kafka_queue_new(handle_.get()));
    const auto options =
        admin_options(handle_.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout_);
    // No partition list: every partition the group has committed.
    GroupOffsetsRequestPtr request(rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr));
    std::array<rd_kafka_ListConsumerGroupOffsets_t*, 1> requests{request.get()};
    rd_kafka_ListConsumerGroupOffsets(handle_.get(), requests.data(), requests.size(),
                                      options.get(), queue.get());
    const auto what = "reading the committed offsets of " + group;
    const auto event = await_result(queue.get(), timeout_, what);
    const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
    std::size_t count = 0;
    const auto* groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count);
    std::map<TopicPartitionId, std::int64_t> offsets;
    for (std::size_t i = 0; i < count; ++i) {
        if (const auto* error = rd_kafka_group_result_error(groups[i]); error != nullptr) {
            throw KafkaError(rd_kafka_error_code(error),
                             what + ": " + text_or_empty(rd_kafka_error_string(error)));
        }
        const auto* partitions = rd_kafka_group_result_partitions(groups[i]);
        for (int p = 0; partitions != nullptr && p < partitions->cnt; ++p) {
            const auto& tp = partitions->elems[p];
            if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.offset >= 0) {
                offsets[{tp.topic, tp.partition}] = tp.offset;
            }
        }
    }
    return offsets;
}

Watermarks GroupAdmin::watermarks(const std::string& topic, std::int32_t partition) {
    Watermarks marks;
    const auto err =
        rd_kafka_query_watermark_offsets(handle_.get(), topic.c_str(), partition, &marks.low,
                                         &marks.high, static_cast<int>(timeout_.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw KafkaError(err, "reading the end of " + topic + "[" + std::to_string(partition) +
                                  "]: " + kafka::describe(err));
    }
    return marks;
}

std::map<std::int32_t, std::int64_t> GroupAdmin::offsets_for_time(
    const std::string& topic,
    const std::vector<std::int32_t>& partitions,
    std::int64_t timestamp_ms) {
    // The query: offsets_for_times reads each partition's timestamp from its offset.
    std::vector<PartitionOffset> query;
    for (const auto partition : partitions) {
        query.push_back({topic, partition, timestamp_ms});
    }
    const auto list = make_partition_list(query);
    const auto err =
        rd_kafka_offsets_for_times(handle_.get(), list.get(), static_cast<int>(timeout_.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw KafkaError(err, "looking up the offsets of " + topic + " at time " +
                                  std::to_string(timestamp_ms) + ": " + kafka::describe(err));
    }
    std::map<std::int32_t, std::int64_t> offsets;
    for (int i = 0; i < list->cnt; ++i) {
        const auto& element = list->elems[i];
        if (element.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            throw KafkaError(element.err, "looking up the offset of " + topic + "[" +
                                              std::to_string(element.partition) +
                                              "] at a time: " + kafka::describe(element.err));
        }
        // -1: no record that recent, so reading starts at the log end.
        offsets[element.partition] =
            element.offset >= 0 ? element.offset : watermarks(topic, element.partition).high;
    }
    return offsets;
}

}  // namespace orderflow::kafka
