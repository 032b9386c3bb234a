#include "console/api_reply.h"
#include "console/audit_cache.h"
#include "console/console_routes.h"
#include "console/redis_access.h"
#include "redis_browser/key_browser.h"
#include "redis_browser/order_views.h"

#include <charconv>

namespace orderflow::console {
namespace {

using Params = std::multimap<std::string, std::string>;

/// The one value of `name`, or `fallback`. Errors: ApiError 400 when it is given twice.
std::string text_param(const Params& params, const std::string& name, std::string fallback) {
    if (params.count(name) > 1) {
        bad_request(name + ": given more than once");
    }
    const auto it = params.find(name);
    return it != params.end() ? it->second : std::move(fallback);
}

/// A whole number >= 0 (the views check their own caps). Errors: ApiError 400.
std::int64_t number_param(const Params& params, const std::string& name, std::int64_t fallback) {
    const auto text = text_param(params, name, std::to_string(fallback));
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) {
        bad_request(name + ": '" + text + "' is not a whole number >= 0");
    }
    return value;
}

}  // namespace

void add_redis_routes(RouteTable& routes, const ConsoleContext& context) {
    routes.blocking(
        "GET", "/api/redis/keys", [&context](const http::Request& req, http::Response& res) {
            const auto params = req.query_params();
            redis_browser::ScanRequest scan;
            scan.pattern = text_param(params, "pattern", "*");
            scan.type = text_param(params, "type", "");
            scan.cursor = text_param(params, "cursor", "0");
            scan.count = static_cast<std::size_t>(number_param(params, "count", 100));
            reply_json(res, redis_browser::to_json(context.redis.with(
                                [&scan](auto& redis) { return scan_keys(redis, scan); })));
        });

    routes.blocking(
        "GET", "/api/redis/keys/{key}", [&context](const http::Request& req, http::Response& res) {
            const auto key = req.param("key");
            const auto params = req.query_params();
            redis_browser::ValueRequest page;
            page.cursor = text_param(params, "cursor", "0");
            page.offset = number_param(params, "offset", 0);
            page.count = static_cast<std::size_t>(number_param(params, "count", 100));
            const auto details = context.redis.with(
                [&](auto& redis) { return redis_browser::key_details(redis, key, page); });
            if (!details) {
                not_found("Redis has no key '" + key + "'");
            }
            reply_json(res, redis_browser::to_json(*details));
        });

    routes.blocking(
        "GET", "/api/redis/groups", [&context](const http::Request&, http::Response& res) {
            reply_json(res, redis_browser::to_json(context.redis.with([&](auto& redis) {
                           return redis_browser::group_stats(redis, context.redis.groups());
                       })));
        });

    routes.blocking("GET", "/api/redis/customers/{customer_id}",
                    [&context](const http::Request& req, http::Response& res) {
                        const auto id = req.param("customer_id");
                        const auto view = context.redis.with([&](auto& redis) {
                            return redis_browser::lookup_customer(redis, context.redis.groups(),
                                                                  id);
                        });
                        if (!view.found()) {
                            not_found("no group has stored an order of customer '" + id + "'");
                        }
                        reply_json(res, redis_browser::to_json(view));
                    });

    routes.blocking("GET", "/api/audit", [&context](const http::Request&, http::Response& res) {
        reply_json(res, context.audit.result());
    });
}

}  // namespace orderflow::console
