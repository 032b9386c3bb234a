#include "console/api_reply.h"
#include "console/console_routes.h"
#include "console/kafka_json.h"
#include "console/message_params.h"
#include "topic_browser/message_query.h"

namespace orderflow::console {
namespace {

nlohmann::json page_json(const topic_browser::MessagePage& page) {
    auto messages = nlohmann::json::array();
    for (const auto& message : page.messages) {
        messages.push_back(topic_browser::to_json(message));
    }
    return {{"messages", messages}, {"truncated", page.truncated}};
}

std::vector<std::int32_t> partitions_of(const std::map<std::int32_t, kafka::Watermarks>& marks,
                                        const topic_browser::MessageQuery& query) {
    std::vector<std::int32_t> partitions;
    for (const auto& [partition, mark] : marks) {
        if (!query.partition || *query.partition == partition) {
            partitions.push_back(partition);
        }
    }
    return partitions;
}

}  // namespace

void add_kafka_routes(RouteTable& routes, const ConsoleContext& context) {
    auto& kafka = context.kafka;
    routes.blocking("GET", "/api/brokers", [&kafka](const http::Request&, http::Response& res) {
        reply_json(res, brokers_json(kafka.brokers(), kafka.bootstrap()));
    });
    routes.blocking("GET", "/api/topics", [&kafka](const http::Request&, http::Response& res) {
        reply_json(res, topics_json(kafka.topics()));
    });
    routes.blocking("GET", "/api/topics/{topic}",
                    [&kafka](const http::Request& req, http::Response& res) {
                        const auto name = req.param("topic");
                        const auto topic = kafka.topic(name);
                        if (!topic) {
                            not_found("no topic named '" + name + "'");
                        }
                        reply_json(res, topic_json(*topic, kafka.topic_configs(name)));
                    });
    routes.blocking("GET", "/api/topics/{topic}/messages",
                    [&context](const http::Request& req, http::Response& res) {
                        const auto query = parse_message_query(req.query_params());
                        const auto topic = req.param("topic");
                        const auto marks = context.kafka.watermarks(topic);
                        std::map<std::int32_t, std::int64_t> times;
                        if (query.timestamp_ms) {
                            times = context.kafka.offsets_for_time(
                                topic, partitions_of(marks, query), *query.timestamp_ms);
                        }
                        const auto page = topic_browser::read_messages(
                            context.reader, context.decoder, topic, query, marks, times,
                            context.settings.kafka_timeout);
                        reply_json(res, page_json(page));
                    });
    routes.blocking(
        "GET", "/api/topics/{topic}/messages/stream",
        [&context](const http::Request& req, http::Response& res) {
            auto query = parse_message_query(req.query_params());
            const auto topic = req.param("topic");
            const auto marks = context.kafka.watermarks(topic);
            if (query.partition && !marks.contains(*query.partition)) {
                bad_request("partition: " + std::to_string(*query.partition) + " does not exist");
            }
            // From the ends as they are now: whatever is produced once the client has the
            // answer's head is at or past them.
            std::map<std::int32_t, std::int64_t> starts;
            for (const auto partition : partitions_of(marks, query)) {
                starts[partition] = marks.at(partition).high;
            }
            if (context.tails.open_count() >= LiveTails::kMaxStreams) {
                reply_error(res, 503, "unavailable",
                            "too many live tails are open (" +
                                std::to_string(LiveTails::kMaxStreams) + ")");
                return;
            }
            res.set_header("X-Accel-Buffering", "no");
            auto stream = res.start_stream();
            if (!context.tails.open(stream, topic, std::move(starts), std::move(query))) {
                stream->close();
            }
        });
    const auto& registry_group = context.settings.registry_group;
    routes.blocking(
        "GET", "/api/groups", [&kafka, &registry_group](const http::Request&, http::Response& res) {
            auto list = nlohmann::json::array();
            for (const auto& listing : kafka.groups()) {
                list.push_back(with_group_role(
                    group_summary_json(listing.id, kafka.group(listing.id)), registry_group));
            }
            reply_json(res, {{"groups", list}});
        });
    routes.blocking("GET", "/api/groups/{group}",
                    [&kafka, &registry_group](const http::Request& req, http::Response& res) {
                        const auto id = req.param("group");
                        const auto group = kafka.group(id);
                        if (group.description.state == "Dead" && group.lags.empty()) {
                            not_found("no consumer group named '" + id + "'");
                        }
                        reply_json(res, with_group_role(group_json(id, group), registry_group));
                    });
}

}  // namespace orderflow::console
