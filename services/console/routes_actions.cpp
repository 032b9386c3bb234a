#include "console/api_reply.h"
#include "console/console_routes.h"
#include "kafka/acked_producer.h"
#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <random>

namespace orderflow::console {

void add_action_routes(RouteTable& routes, const ConsoleContext& context) {
    // One generated order, written as the producer writes them (the order schema, found or
    // registered under <topic>-value, Confluent framing, acks=all with idempotence), keyed by
    // customer.
    routes.blocking(
        "POST", "/api/actions/test-order",
        [&context](const http::Request& req, http::Response& res) {
            confirmed_action(context, req);
            const auto& pipeline = context.settings.pipeline;
            // Looked up first: a console whose registry user only reads (the
            // secure profile) still sends once the producer registered it.
            const auto known = context.registry.lookup(pipeline.subject(), serde::kOrderSchemaJson);
            const auto schema_id = known ? *known
                                         : context.registry.register_schema(
                                               pipeline.subject(), serde::kOrderSchemaJson);
            orders::OrderGenerator generator(std::random_device{}());
            const auto order = generator.next();
            serde::OrderEncoder encoder(serde::kOrderSchemaJson);
            const auto value = serde::frame(schema_id, encoder.encode(order));
            const auto delivered = kafka::produce_acknowledged(
                pipeline.kafka, {{pipeline.topic, order.customer_id, value, {}}},
                context.settings.kafka_timeout,
                [&order](std::size_t) { return "test order " + order.order_id; });
            reply_json(res, {{"order_id", order.order_id},
                             {"customer_id", order.customer_id},
                             {"topic", pipeline.topic},
                             {"partition", delivered.front().partition},
                             {"offset", delivered.front().offset}});
        });
}

}  // namespace orderflow::console
