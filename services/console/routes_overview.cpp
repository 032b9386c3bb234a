#include "console/api_reply.h"
#include "console/console_routes.h"
#include "console/overview_sampler.h"

namespace orderflow::console {

void add_overview_routes(RouteTable& routes, const ConsoleContext& context) {
    auto& overview = context.overview;
    // Blocking only until the first sample exists (a console just started); then in-memory.
    routes.blocking("GET", "/api/overview", [&overview](const http::Request&, http::Response& res) {
        reply_json(res, overview.overview());
    });
    routes.quick("GET", "/api/overview/history",
                 [&overview](const http::Request&, http::Response& res) {
                     reply_json(res, overview.history());
                 });
}

}  // namespace orderflow::console
