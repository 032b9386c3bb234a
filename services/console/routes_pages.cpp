#include "console/api_reply.h"
#include "console/console_routes.h"
#include "console/static_files.h"
#include "metrics/metrics.h"

namespace orderflow::console {
namespace {

// Every page of the console; the ES module router draws the one for location.pathname.
constexpr const char* kPages[] = {
    "/",
    "/ui/clusters/kraft/all-topics",
    "/ui/clusters/kraft/all-topics/{topic}",
    "/ui/clusters/kraft/all-topics/{topic}/messages",
    "/ui/brokers",
    "/ui/groups",
    "/ui/groups/{group}",
    "/ui/schemas",
    "/ui/schemas/{subject}",
    "/ui/redis",
    "/ui/orders/{order_id}",
    "/ui/dlq",
};

}  // namespace

void add_page_routes(RouteTable& routes, const ConsoleContext& context) {
    const auto& web = context.settings.web_dir;
    const auto& vendor = context.settings.vendor_dir;
    for (const auto* page : kPages) {
        routes.quick("GET", page, [&web](const http::Request&, http::Response& res) {
            serve_file(web, "index.html", res);
            if (res.status == 200) {
                set_page_headers(res);
            }
        });
    }
    routes.quick("GET", "/static/*", [&web](const http::Request& req, http::Response& res) {
        serve_file(web, req.param("*"), res);
    });
    routes.quick("GET", "/vendor/*", [&vendor](const http::Request& req, http::Response& res) {
        serve_file(vendor, req.param("*"), res);
    });
    routes.open("GET", "/health", [](const http::Request&, http::Response& res) {
        reply_json(res, {{"status", "ok"}});
    });
    routes.quick("GET", "/metrics", [](const http::Request&, http::Response& res) {
        res.set_body(metrics::default_registry().render(), "text/plain; version=0.0.4");
    });
}

}  // namespace orderflow::console
