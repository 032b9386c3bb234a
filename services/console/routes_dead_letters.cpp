#include "common/config_error.h"
#include "console/api_reply.h"
#include "console/console_routes.h"
#include "console/message_params.h"
#include "console/redis_access.h"
#include "dead_letters/dead_letter_reader.h"
#include "dead_letters/redrive.h"
#include "dead_letters/redrive_plan.h"
#include "redis/connection.h"
#include "redis_browser/order_views.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::console {
namespace {

/// At most this many dead letters are read for a page or a redrive.
constexpr std::size_t kMaxDeadLetters = 1000;

nlohmann::json source_json(const dead_letters::DeadLetterRecord& letter) {
    if (!letter.source) {
        return nullptr;
    }
    return {{"topic", letter.source->topic},
            {"partition", letter.source->partition},
            {"offset", letter.source->offset}};
}

/// A Message with what its dlq.* headers say, read out.
nlohmann::json letter_json(topic_browser::MessageDecoder& decoder,
                           const dead_letters::DeadLetterRecord& letter) {
    auto json = topic_browser::to_json(decoder.decode(letter.record));
    json["dead_letter"] = {{"group", letter.group},
                           {"error", letter.error},
                           {"reason", letter.reason},
                           {"source", source_json(letter)}};
    return json;
}

std::vector<dead_letters::DeadLetterRecord> read_letters(const ConsoleContext& context) {
    try {
        return dead_letters::read_dead_letters(context.reader, context.settings.pipeline.dlq_topic,
                                               kMaxDeadLetters, context.settings.kafka_timeout);
    } catch (const common::ConfigError& e) {
        not_found(e.what());  // no dead-letter topic yet
    }
}

bool names_order(const topic_browser::Message& message, const std::string& order_id) {
    if (const auto id = message.field("order_id")) {
        return *id == order_id;
    }
    // Not decodable: the id may still be in the raw text (a JSON order, a fixed schema).
    return message.value_text && message.value_text->find(order_id) != std::string::npos;
}

/// The record at ?topic=&partition=&offset= (topic defaults to ORDERS_TOPIC), or null when
/// no position is given or nothing is there. Errors: ApiError 400 for a half-given position.
nlohmann::json kafka_record(const ConsoleContext& context,
                            const std::multimap<std::string, std::string>& params) {
    if (!params.contains("partition") && !params.contains("offset")) {
        return nullptr;
    }
    std::multimap<std::string, std::string> position;
    for (const auto* name : {"partition", "offset"}) {
        const auto it = params.find(name);
        if (it == params.end()) {
            bad_request(std::string(name) + ": missing (give partition and offset)");
        }
        position.emplace(name, it->second);
    }
    position.emplace("limit", "1");
    const auto query = parse_message_query(position);
    const auto topic =
        params.contains("topic") ? params.find("topic")->second : context.settings.pipeline.topic;
    const auto marks = context.kafka.watermarks(topic);
    const auto page = topic_browser::read_messages(context.reader, context.decoder, topic, query,
                                                   marks, {}, context.settings.kafka_timeout);
    if (!page.messages.empty() && page.messages.front().offset == *query.offset) {
        return topic_browser::to_json(page.messages.front());
    }
    return nullptr;
}

/// The JSON body of an action: an object. Errors: ApiError 400.
nlohmann::json body_of(const http::Request& request) {
    try {
        auto json = nlohmann::json::parse(request.body);
        if (json.is_object()) {
            return json;
        }
    } catch (const nlohmann::json::exception&) {
        // answered below
    }
    bad_request("the body must be a JSON object, e.g. {\"confirm\": true}");
}

}  // namespace

/// An action may run only with a configured token (checked by the guard already) and an
/// explicit confirmation in a JSON body. Errors: ApiError 403 / 400.
nlohmann::json confirmed_action(const ConsoleContext& context, const http::Request& request) {
    if (!context.settings.token) {
        throw ApiError(403, "forbidden",
                       "actions are disabled: start the console with CONSOLE_TOKEN set");
    }
    auto body = body_of(request);
    if (body.value("confirm", false) != true) {
        throw ApiError(403, "forbidden", "an action needs \"confirm\": true in its body");
    }
    return body;
}

void add_dead_letter_routes(RouteTable& routes, const ConsoleContext& context) {
    routes.blocking("GET", "/api/dlq", [&context](const http::Request&, http::Response& res) {
        auto list = nlohmann::json::array();
        for (const auto& letter : read_letters(context)) {
            list.push_back(letter_json(context.decoder, letter));
        }
        reply_json(res, {{"dead_letters", list}, {"truncated", list.size() >= kMaxDeadLetters}});
    });

    // The order trace: each group's stored hash (libs/redis_browser), the Kafka record the hash
    // names (or ?topic=&partition=&offset=), and every dead letter naming the order.
    routes.blocking(
        "GET", "/api/orders/{order_id}", [&context](const http::Request& req, http::Response& res) {
            const auto order_id = req.param("order_id");
            auto params = req.query_params();
            nlohmann::json groups = nullptr;
            std::optional<std::string> redis_error;
            try {
                const auto view = context.redis.with([&](auto& redis) {
                    return redis_browser::lookup_order(redis, context.redis.groups(), order_id);
                });
                groups = redis_browser::to_json(view)["groups"];
                for (const auto& [group, stored] : view.groups) {
                    if (stored && stored->position && !params.contains("offset")) {
                        params.emplace("topic", stored->position->topic);
                        params.emplace("partition", std::to_string(stored->position->partition));
                        params.emplace("offset", std::to_string(stored->position->offset));
                    }
                }
            } catch (const redis::RedisError& e) {
                redis_error = e.what();  // the Kafka half still answers
            }
            const auto record = kafka_record(context, params);
            auto letters = nlohmann::json::array();
            try {
                for (const auto& letter : read_letters(context)) {
                    if (names_order(context.decoder.decode(letter.record), order_id)) {
                        letters.push_back(letter_json(context.decoder, letter));
                    }
                }
            } catch (const ApiError&) {
                // no dead-letter topic: no dead letters
            }
            const bool stored =
                groups.is_object() && std::any_of(groups.begin(), groups.end(),
                                                  [](const auto& g) { return !g.is_null(); });
            if (!stored && record.is_null() && letters.empty()) {
                not_found("no group stored order '" + order_id + "'" +
                          (redis_error ? " (Redis did not answer: " + *redis_error + ")" : "") +
                          " and no dead letter names it");
            }
            nlohmann::json body = {{"order_id", order_id},
                                   {"kafka", record},
                                   {"groups", groups},
                                   {"dead_letters", letters}};
            if (redis_error) {
                body["redis_error"] = *redis_error;
            }
            reply_json(res, body);
        });

    routes.blocking(
        "POST", "/api/dlq/redrive", [&context](const http::Request& req, http::Response& res) {
            const auto body = confirmed_action(context, req);
            dead_letters::Selection selection;
            selection.all = body.value("all", false) == true;
            if (body.contains("offset")) {
                if (!body["offset"].is_number_integer() || body["offset"].get<std::int64_t>() < 0) {
                    bad_request("offset: must be a dead-letter offset (a whole number >= 0)");
                }
                selection.offsets.push_back(body["offset"].get<std::int64_t>());
            }
            if (selection.all == !selection.offsets.empty()) {
                bad_request("give {\"offset\": N} or {\"all\": true}, not both");
            }
            const bool dry_run = body.value("dry_run", false) == true;
            const auto letters = read_letters(context);
            const auto& orders_topic = context.settings.pipeline.topic;
            const auto plan =
                dead_letters::plan_redrive(letters, selection, orders_topic);  // 400 if unknown
            auto send = nlohmann::json::array();
            for (const auto& letter : plan.send) {
                send.push_back({{"dlq_offset", letter.record.offset},
                                {"error", letter.error},
                                {"source", source_json(letter)}});
            }
            auto skipped = nlohmann::json::array();
            for (const auto& skip : plan.skipped) {
                skipped.push_back({{"dlq_offset", skip.letter.record.offset}, {"why", skip.why}});
            }
            auto refused = nlohmann::json::array();
            for (const auto& refuse : plan.refused) {
                spdlog::warn("refused to redrive dead letter @{}: {}", refuse.letter.record.offset,
                             refuse.why);
                refused.push_back(
                    {{"dlq_offset", refuse.letter.record.offset}, {"why", refuse.why}});
            }
            auto sent = nlohmann::json::array();
            if (!dry_run) {
                for (const auto& r : dead_letters::redrive(
                         context.settings.pipeline.kafka, context.settings.pipeline.dlq_topic,
                         orders_topic, plan.send, context.settings.kafka_timeout)) {
                    sent.push_back({{"dlq_offset", r.dlq_offset},
                                    {"topic", r.topic},
                                    {"partition", r.partition},
                                    {"offset", r.offset}});
                }
            }
            reply_json(res, {{"dry_run", dry_run},
                             {"plan", {{"send", send}, {"skipped", skipped}, {"refused", refused}}},
                             {"sent", sent}});
        });
}

}  // namespace orderflow::console
