#pragma once

// The console's routes by area (docs/console-api.md). Each add_* registers its paths.

#include "console/cluster_snapshot.h"
#include "console/console_settings.h"
#include "console/live_tails.h"
#include "console/route_table.h"
#include "registry_client/registry_client.h"
#include "topic_browser/message_decoder.h"

#include <nlohmann/json.hpp>

namespace orderflow::console {

class OverviewSampler;
class RedisAccess;
class AuditCache;

/// What the handlers share; lives as long as the server.
struct ConsoleContext {
    const ConsoleSettings& settings;
    ClusterSnapshot& kafka;
    registry_client::RegistryClient& registry;
    topic_browser::MessageDecoder& decoder;
    /// Settings of the console's short-lived, group-less readers (small fetch buffers).
    kafka::ClientSettings reader;
    LiveTails& tails;
    OverviewSampler& overview;
    RedisAccess& redis;
    AuditCache& audit;
};

/// The pages (index.html for every page path), /static/, /vendor/, /health, /metrics.
void add_page_routes(RouteTable& routes, const ConsoleContext& context);
/// /api/brokers, /api/topics..., messages and their live stream, /api/groups...
void add_kafka_routes(RouteTable& routes, const ConsoleContext& context);
/// /api/subjects...
void add_schema_routes(RouteTable& routes, const ConsoleContext& context);
/// /api/overview, /api/overview/history.
void add_overview_routes(RouteTable& routes, const ConsoleContext& context);
/// /api/redis/keys, /api/redis/keys/{key}, /api/redis/groups, /api/redis/customers/{id},
/// /api/audit.
void add_redis_routes(RouteTable& routes, const ConsoleContext& context);
/// /api/dlq, /api/orders/{id}, POST /api/dlq/redrive, POST
/// /api/actions/test-order.
void add_dead_letter_routes(RouteTable& routes, const ConsoleContext& context);
void add_action_routes(RouteTable& routes, const ConsoleContext& context);

/// An action's JSON body, once it is allowed: CONSOLE_TOKEN configured (the guard checked the
/// request carries it) and "confirm": true. Errors: ApiError 403, or 400 for a body that is
/// not a JSON object.
nlohmann::json confirmed_action(const ConsoleContext& context, const http::Request& request);

}  // namespace orderflow::console
