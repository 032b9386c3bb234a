#include "console/api_reply.h"
#include "console/console_routes.h"
#include "console/line_diff.h"

namespace orderflow::console {
namespace {

/// The schema as JSON when it is JSON (Avro, JSON Schema), else as its text (Protobuf).
nlohmann::json schema_json(const std::string& text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        return text;
    }
}

std::string pretty(const std::string& text) {
    const auto json = schema_json(text);
    return json.is_string() ? json.get<std::string>() : json.dump(2);
}

std::string version_param(const std::string& name, const std::string& text) {
    if (text == "latest") {
        return text;
    }
    if (text.empty() || text.size() > 9 ||
        text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1) {
        bad_request(name + ": '" + text + "' is neither a version number (1, 2, ...) nor latest");
    }
    return text;
}

}  // namespace

void add_schema_routes(RouteTable& routes, const ConsoleContext& context) {
    auto& registry = context.registry;
    routes.blocking("GET", "/api/subjects", [&registry](const http::Request&, http::Response& res) {
        auto list = nlohmann::json::array();
        for (const auto& subject : registry.subjects()) {
            const auto versions = registry.versions(subject);
            const auto latest = registry.version(subject, "latest");
            list.push_back({{"subject", subject},
                            {"versions", versions},
                            {"latest", {{"version", latest.version}, {"id", latest.id}}},
                            {"compatibility", registry.compatibility(subject)}});
        }
        reply_json(res, {{"subjects", list}});
    });
    routes.blocking("GET", "/api/subjects/{subject}/versions/{version}",
                    [&registry](const http::Request& req, http::Response& res) {
                        const auto found = registry.version(
                            req.param("subject"), version_param("version", req.param("version")));
                        reply_json(res, {{"subject", found.subject},
                                         {"version", found.version},
                                         {"id", found.id},
                                         {"schema", schema_json(found.schema)}});
                    });
    routes.blocking("GET", "/api/subjects/{subject}/diff",
                    [&registry](const http::Request& req, http::Response& res) {
                        const auto params = req.query_params();
                        const auto param = [&params](const std::string& name) {
                            const auto it = params.find(name);
                            if (it == params.end()) {
                                bad_request(name + ": missing (give ?from=N&to=M)");
                            }
                            return version_param(name, it->second);
                        };
                        const auto subject = req.param("subject");
                        const auto from = registry.version(subject, param("from"));
                        const auto to = registry.version(subject, param("to"));
                        auto lines = nlohmann::json::array();
                        for (const auto& line : line_diff(pretty(from.schema), pretty(to.schema))) {
                            lines.push_back({{"op", std::string(1, line.op)}, {"text", line.text}});
                        }
                        reply_json(res, {{"subject", subject},
                                         {"from", from.version},
                                         {"to", to.version},
                                         {"lines", lines}});
                    });
}

}  // namespace orderflow::console
