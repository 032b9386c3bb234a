#include "registry/http_server.h"

#include "common/config_error.h"
#include "metrics/metrics.h"
#include "registry/api_error.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace orderflow::registry {
namespace {

constexpr const char* kV1 = "application/vnd.schemaregistry.v1+json";
constexpr const char* kForwardedHeader = "X-Orderflow-Forwarded";

using Handler = std::string (RegistryApi::*)(const ApiRequest&);

struct Route {
    std::vector<std::string> pattern;  // literal segments, "{s}", "{v}", "{id}", "*"
    const char* method;
    Handler handler;
    bool write;
};

const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        {{}, "GET", &RegistryApi::get_root, false},
        {{}, "POST", &RegistryApi::get_root, false},
        {{"subjects"}, "GET", &RegistryApi::get_subjects, false},
        {{"subjects", "{s}"}, "POST", &RegistryApi::post_subject, false},
        {{"subjects", "{s}"}, "DELETE", &RegistryApi::delete_subject, true},
        {{"subjects", "{s}", "versions"}, "GET", &RegistryApi::get_subject_versions, false},
        {{"subjects", "{s}", "versions"}, "POST", &RegistryApi::post_subject_versions, true},
        {{"subjects", "{s}", "versions", "{v}"}, "GET", &RegistryApi::get_subject_version, false},
        {{"subjects", "{s}", "versions", "{v}"},
         "DELETE",
         &RegistryApi::delete_subject_version,
         true},
        {{"subjects", "{s}", "versions", "{v}", "schema"},
         "GET",
         &RegistryApi::get_subject_version_schema,
         false},
        {{"subjects", "{s}", "versions", "{v}", "referencedby"},
         "GET",
         &RegistryApi::get_subject_version_referencedby,
         false},
        {{"schemas"}, "GET", &RegistryApi::get_schemas, false},
        {{"schemas", "types"}, "GET", &RegistryApi::get_schema_types, false},
        {{"schemas", "ids", "{id}"}, "GET", &RegistryApi::get_schema_by_id, false},
        {{"schemas", "ids", "{id}", "schema"}, "GET", &RegistryApi::get_schema_by_id_schema, false},
        {{"schemas", "ids", "{id}", "subjects"},
         "GET",
         &RegistryApi::get_schema_by_id_subjects,
         false},
        {{"schemas", "ids", "{id}", "versions"},
         "GET",
         &RegistryApi::get_schema_by_id_versions,
         false},
        {{"config"}, "GET", &RegistryApi::get_config, false},
        {{"config"}, "PUT", &RegistryApi::put_config, true},
        {{"config"}, "DELETE", &RegistryApi::delete_config, true},
        {{"config", "{s}"}, "GET", &RegistryApi::get_subject_config, false},
        {{"config", "{s}"}, "PUT", &RegistryApi::put_subject_config, true},
        {{"config", "{s}"}, "DELETE", &RegistryApi::delete_subject_config, true},
        {{"mode"}, "GET", &RegistryApi::get_mode, false},
        {{"mode"}, "PUT", &RegistryApi::put_mode, true},
        {{"mode"}, "DELETE", &RegistryApi::delete_mode, true},
        {{"mode", "{s}"}, "GET", &RegistryApi::get_subject_mode, false},
        {{"mode", "{s}"}, "PUT", &RegistryApi::put_subject_mode, true},
        {{"mode", "{s}"}, "DELETE", &RegistryApi::delete_subject_mode, true},
        {{"compatibility", "subjects", "{s}", "versions"},
         "POST",
         &RegistryApi::post_compatibility_versions,
         false},
        {{"compatibility", "subjects", "{s}", "versions", "{v}"},
         "POST",
         &RegistryApi::post_compatibility_version,
         false},
        {{"contexts"}, "GET", &RegistryApi::get_contexts, false},
        {{"associations", "resources", "*", "*"}, "GET", &RegistryApi::get_associations, false},
        {{"v1", "metadata", "id"}, "GET", &RegistryApi::get_metadata_id, false},
        {{"v1", "metadata", "version"}, "GET", &RegistryApi::get_metadata_version, false},
    };
    return table;
}

// The route's pattern as libs/http spells it: {s}, {v}, {id} captures, "*" any one segment.
std::string pattern_of(const Route& route) {
    std::string pattern;
    int anonymous = 0;
    for (const auto& segment : route.pattern) {
        pattern += "/" + (segment == "*" ? "{any" + std::to_string(++anonymous) + "}" : segment);
    }
    return pattern.empty() ? "/" : pattern;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) {
        return "";
    }
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

metrics::Counter& request_counter(const std::string& method, int status) {
    thread_local std::map<std::pair<std::string, int>, metrics::Counter*> cache;
    auto& slot = cache[{method, status}];
    if (slot == nullptr) {
        slot = &metrics::default_registry().counter(
            "orderflow_registry_http_requests_total", "HTTP requests answered by the registry",
            {{"method", method}, {"status", std::to_string(status)}});
    }
    return *slot;
}

void set_error(http::Response& res, const ApiError& error, const std::string& type = kV1) {
    res.status = error.status();
    res.set_body(error_body(error.code(), error.what()), type);
}

// The server's own answers in Confluent's shape.
void render_server_error(const http::ServerError& failure,
                         const http::Request* req,
                         http::Response& res) {
    using http::Failure;
    // TRACE and CONNECT have no route anywhere: 405 rather than 404, as Confluent answers.
    const bool no_such_method = failure.failure == Failure::not_found && req != nullptr &&
                                (req->method == "TRACE" || req->method == "CONNECT");
    const auto error =
        failure.failure == Failure::payload_too_large ? errors::payload_too_large()
        : failure.failure == Failure::method_not_allowed || no_such_method
            ? errors::method_not_allowed()
        : failure.failure == Failure::not_found ? errors::not_found()
        : failure.failure == Failure::budget_exceeded
            ? errors::operation_timeout("HTTP handler budget exceeded: " + failure.message)
        : failure.failure == Failure::handler_failed
            ? errors::internal(failure.message)
            : ApiError(failure.status, failure.status, "HTTP " + std::to_string(failure.status));
    set_error(res, error);
    request_counter(req != nullptr ? req->method : "", res.status).inc();
}

}  // namespace

std::string negotiate_response_type(const std::string& accept) {
    struct Candidate {
        const char* type;
        double qs;
    };
    static const Candidate candidates[] = {
        {kV1, 1.0}, {"application/vnd.schemaregistry+json", 0.9}, {"application/json", 0.5}};
    if (trim(accept).empty()) {
        return kV1;
    }
    struct Range {
        std::string type;
        double q = 1.0;
    };
    std::vector<Range> ranges;
    std::size_t start = 0;
    while (start <= accept.size()) {
        const auto comma = accept.find(',', start);
        const auto item =
            accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        Range range;
        const auto semi = item.find(';');
        range.type = lower(trim(item.substr(0, semi)));
        if (semi != std::string::npos) {
            std::size_t p = semi;
            while (p != std::string::npos) {
                const auto next = item.find(';', p + 1);
                const auto param = trim(item.substr(
                    p + 1, next == std::string::npos ? std::string::npos : next - p - 1));
                if (param.starts_with("q=")) {
                    try {
                        range.q = std::stod(param.substr(2));
                    } catch (const std::exception&) {
                        range.q = 0;
                    }
                }
                p = next;
            }
        }
        if (!range.type.empty()) {
            ranges.push_back(range);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    std::string best;
    double best_score = 0;
    for (const auto& c : candidates) {
        int best_specificity = 0;
        double q = 0;
        for (const auto& r : ranges) {
            int specificity = 0;
            if (r.type == c.type) {
                specificity = 3;
            } else if (r.type == "application/*") {
                specificity = 2;
            } else if (r.type == "*/*" || r.type == "*") {
                specificity = 1;
            }
            if (specificity > best_specificity) {
                best_specificity = specificity;
                q = r.q;
            }
        }
        if (best_specificity > 0 && q * c.qs > best_score) {
            best_score = q * c.qs;
            best = c.type;
        }
    }
    return best;
}

// A body without one of these types is refused, a missing type too: a web page can send a
// form or text/plain to another origin without a CORS preflight, but not these types.
bool acceptable_request_type(const std::string& content_type) {
    const auto type = lower(trim(content_type.substr(0, content_type.find(';'))));
    return type == kV1 || type == "application/vnd.schemaregistry+json" ||
           type == "application/json" || type == "application/octet-stream";
}

bool carries_body(const http::Request& req) {
    return req.method == "POST" || req.method == "PUT" || !req.body.empty();
}

struct HttpServer::Impl {
    RegistryApi& api;
    Leadership& leadership;
    HealthProbe probe;
    HttpOptions options;
    std::unique_ptr<http::Server> server;

    Impl(RegistryApi& a, Leadership& l, HealthProbe p, HttpOptions o)
        : api(a), leadership(l), probe(std::move(p)), options(std::move(o)) {}

    void handle(const Route& route, const http::Request& req, http::Response& res);
    bool forward(const http::Request& req, http::Response& res, const std::string& type);
    void status_route(const http::Request& req, http::Response& res);
};

void HttpServer::Impl::status_route(const http::Request& req, http::Response& res) {
    // Only GET: any other method gets the 404 an unknown route gets.
    if (req.method != "GET") {
        set_error(res, errors::not_found());
        return;
    }
    const auto what = split_path(req.target).front();
    const auto details = probe.details ? probe.details() : "";
    const std::string extra = details.empty() ? "" : "," + details;
    if (what == "metrics") {
        res.set_body(metrics::default_registry().render(), "text/plain; version=0.0.4");
        return;
    }
    const bool ready = !probe.ready || probe.ready();
    if (what == "health") {
        res.set_body("{\"status\":\"ok\"" + extra + "}", "application/json");
        return;
    }
    res.status = ready ? 200 : 503;
    res.set_body(
        std::string("{\"status\":\"") + (ready ? "ready" : "starting") + "\"" + extra + "}",
        "application/json");
}

bool HttpServer::Impl::forward(const http::Request& req,
                               http::Response& res,
                               const std::string& type) {
    const auto deadline = std::chrono::steady_clock::now() + options.leader_wait;
    while (!leadership.is_leader() && !leadership.leader_url() &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (leadership.is_leader()) {
        return false;
    }
    const auto url = leadership.leader_url();
    if (!url || req.has_header(kForwardedHeader)) {
        set_error(res, errors::unknown_leader());
        return true;
    }
    httplib::Client client(*url);
    client.set_connection_timeout(std::chrono::seconds(5));
    client.set_read_timeout(std::chrono::seconds(60));
    httplib::Headers headers = {{kForwardedHeader, "true"}, {"Accept", type}};
    const auto content_type = req.header("Content-Type");
    const auto body_type = content_type.empty() ? std::string("application/json") : content_type;
    auto result = [&] {
        if (req.method == "POST") {
            return client.Post(req.target.c_str(), headers, req.body, body_type.c_str());
        }
        if (req.method == "PUT") {
            return client.Put(req.target.c_str(), headers, req.body, body_type.c_str());
        }
        return client.Delete(req.target.c_str(), headers);
    }();
    if (!result) {
        set_error(res, errors::forwarding_failed(*url + ": " + httplib::to_string(result.error())));
        return true;
    }
    res.status = result->status;
    res.set_body(result->body, type);
    return true;
}

void HttpServer::Impl::handle(const Route& route, const http::Request& req, http::Response& res) {
    std::string type = kV1;
    try {
        if (carries_body(req) && !acceptable_request_type(req.header("Content-Type"))) {
            throw errors::unsupported_media();
        }
        type = negotiate_response_type(req.header("Accept"));
        if (type.empty()) {
            type = kV1;
            throw errors::not_acceptable();
        }
        if (probe.serving && !probe.serving()) {
            throw ApiError(503, 503, "HTTP 503 Service Unavailable: replaying the Kafka store");
        }
        if (route.write && forward(req, res, type)) {
            return;
        }
        ApiRequest request;
        request.subject = req.param("s");
        request.version = req.param("v");
        request.id = req.param("id");
        request.method = req.method;
        request.body = req.body;
        request.params = req.query_params();
        res.status = 200;
        res.set_body((api.*(route.handler))(request), type);
    } catch (const ApiError& e) {
        set_error(res, e, type);
    } catch (const std::exception& e) {
        spdlog::error("{} {}: {}", req.method, req.target, e.what());
        set_error(res, errors::internal(e.what()));
    }
}

HttpServer::HttpServer(RegistryApi& api,
                       Leadership& leadership,
                       HealthProbe probe,
                       HttpOptions options)
    : impl_(std::make_unique<Impl>(api, leadership, std::move(probe), std::move(options))) {
    auto* impl = impl_.get();
    http::Router router;
    for (const char* status : {"/health", "/ready", "/metrics"}) {
        router.add("", status,
                   [impl](const http::Request& req, http::Response& res) {
                       impl->status_route(req, res);
                       request_counter(req.method, res.status).inc();
                   },
                   {.max_body_bytes = 0});
    }
    for (const auto& route : routes()) {
        // Writes go to Kafka (or to the leader): the worker pool, under the handler budget.
        router.add(route.method, pattern_of(route),
                   [impl, &route](const http::Request& req, http::Response& res) {
                       impl->handle(route, req, res);
                       request_counter(req.method, res.status).inc();
                   },
                   {.blocking = route.write});
    }
    http::ServerOptions server;
    server.host = impl_->options.host;
    server.port = impl_->options.port;
    server.listen_setting = "REGISTRY_LISTEN";
    server.name = "registry";
    server.limits = impl_->options.limits;
    server.limits.max_body_bytes = impl_->options.max_body_bytes;
    server.io_threads = impl_->options.io_threads;
    server.worker_threads = impl_->options.threads;
    server.render_error = render_server_error;
    impl_->server = std::make_unique<http::Server>(std::move(router), std::move(server));
}

void HttpServer::start() {
    impl_->server->start();
    spdlog::info("registry serving on http://{}:{}", impl_->options.host, port());
}

HttpServer::~HttpServer() {
    stop();
}

std::uint16_t HttpServer::port() const {
    return impl_->server->port();
}

void HttpServer::stop() {
    impl_->server->stop();
}

}  // namespace orderflow::registry
