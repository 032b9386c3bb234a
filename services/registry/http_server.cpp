#include "registry/http_server.h"

#include "common/config_error.h"
#include "http/pending_answer.h"
#include "metrics/metrics.h"
#include "registry/api_error.h"
#include "registry/basic_auth.h"
#include "registry/content_negotiation.h"
#include "registry/leader_forwarding.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace orderflow::registry {
namespace {

constexpr const char* kV1 = kSchemaRegistryV1;

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

metrics::Counter& refusal_counter(int status) {
    static auto& unauthorized = metrics::default_registry().counter(
        "orderflow_registry_auth_refusals_total",
        "requests refused by basic authentication (401) or for their role (403)",
        {{"status", "401"}});
    static auto& forbidden = metrics::default_registry().counter(
        "orderflow_registry_auth_refusals_total",
        "requests refused by basic authentication (401) or for their role (403)",
        {{"status", "403"}});
    return status == 401 ? unauthorized : forbidden;
}

// Answers 401 or 403 and returns true unless the caller's credentials allow the request. Logs
// the refusal by method and path only: the Authorization header carries the password.
bool refused(const BasicAuth* auth, bool write, const http::Request& req, http::Response& res) {
    if (auth == nullptr) {
        return false;
    }
    const auto role = auth->authenticate(req.header("Authorization"));
    if (role && (*role == Role::writer || !write)) {
        return false;
    }
    const auto error = role ? errors::forbidden() : errors::unauthorized();
    refusal_counter(error.status()).inc();
    spdlog::warn("{} {}: refused {} ({})", req.method, req.path(), error.status(),
                 role ? "a reader may not write" : "no or wrong credentials");
    set_error(res, error);
    if (!role) {
        res.set_header("WWW-Authenticate", "Basic realm=\"orderflow\"");
    }
    return true;
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

bool carries_body(const http::Request& req) {
    return req.method == "POST" || req.method == "PUT" || !req.body.empty();
}

struct HttpServer::Impl {
    RegistryApi& api;
    Leadership& leadership;
    HealthProbe probe;
    HttpOptions options;
    LeaderForwarder forwarder;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<ReadBarrier> barrier;  // null without options.catch_up

    Impl(RegistryApi& a, Leadership& l, HealthProbe p, HttpOptions o)
        : api(a),
          leadership(l),
          probe(std::move(p)),
          options(std::move(o)),
          forwarder(leadership, options.leader_wait) {
        if (options.catch_up) {
            barrier = std::make_unique<ReadBarrier>(options.catch_up, options.read_barrier);
        }
    }

    void handle(const Route& route, const http::Request& req, http::Response& res);
    bool answer_when_current(const Route& route,
                             const ApiRequest& request,
                             std::string_view type,
                             http::Response& res);
    void status_route(const http::Request& req, http::Response& res);
};

void HttpServer::Impl::status_route(const http::Request& req, http::Response& res) {
    // Only GET: any other method gets the 404 an unknown route gets.
    if (req.method != "GET") {
        set_error(res, errors::not_found());
        return;
    }
    const auto what = split_path(req.target).front();
    if (what == "metrics") {
        if (refused(options.auth.get(), false, req, res)) {
            return;
        }
        res.set_body(metrics::default_registry().render(), "text/plain; version=0.0.4");
        return;
    }
    const bool ready = !probe.ready || probe.ready();
    nlohmann::ordered_json body;
    body["status"] = what == "health" ? "ok" : ready ? "ready" : "starting";
    if (probe.details) {
        body.update(probe.details());
    }
    res.status = what == "health" || ready ? 200 : 503;
    res.set_body(body.dump(), "application/json");
}

namespace {

// A follower that lost Kafka may lack what the leader wrote a moment ago: its "not found" is
// answered only after a check proves the store current, and becomes a 5xx when the check fails.
bool may_be_stale(const http::Request& req, const ApiError& e) {
    return req.method == "GET" && e.status() == 404 &&
           (e.code() == 40401 || e.code() == 40402 || e.code() == 40403);
}

}  // namespace

bool HttpServer::Impl::answer_when_current(const Route& route,
                                           const ApiRequest& request,
                                           std::string_view type,
                                           http::Response& res) {
    auto pending = res.defer();
    const bool queued = barrier->after_next_check([this, &route, request, type,
                                                   pending](const auto& failure) {
        http::Response later;
        try {
            if (failure) {
                throw ApiError(failure->status(), failure->code(),
                               "Cannot tell whether it exists: " + std::string(failure->what()));
            }
            later.set_body((api.*(route.handler))(request), type);
        } catch (const ApiError& e) {
            set_error(later, e, type);
        } catch (const std::exception& e) {
            spdlog::error("{} after catching up: {}", request.method, e.what());
            set_error(later, errors::internal("internal error; see the registry's log"));
        }
        request_counter(request.method, later.status).inc();
        pending->answer(std::move(later));
    });
    if (!queued) {
        res.pending.reset();
    }
    return queued;
}

void HttpServer::Impl::handle(const Route& route, const http::Request& req, http::Response& res) {
    if (refused(options.auth.get(), route.write, req, res)) {
        return;
    }
    std::string_view type = kV1;  // a constant: no allocation per request
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
        if (route.write && forwarder.forward(req, res, std::string(type))) {
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
        try {
            res.set_body((api.*(route.handler))(request), type);
        } catch (const ApiError& e) {
            if (!barrier || !may_be_stale(req, e)) {
                throw;
            }
            if (!answer_when_current(route, request, type, res)) {
                // Never a "not found" it cannot vouch for: the client asks again later.
                throw ApiError(503, 503,
                               "HTTP 503 Service Unavailable: this instance cannot check now that "
                               "it has read the Kafka store to its end (too many reads are "
                               "waiting, or it is stopping); retry");
            }
        }
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
                       if (!res.pending) {  // a deferred answer is counted when it is given
                           request_counter(req.method, res.status).inc();
                       }
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
    if (impl_->barrier) {
        impl_->barrier->stop();  // answers what still waits before the server closes
    }
    impl_->server->stop();
}

}  // namespace orderflow::registry
