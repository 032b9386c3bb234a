#include "registry/http_server.h"

#include "common/config_error.h"
#include "metrics/metrics.h"
#include "registry/api_error.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
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

// Where a path parameter goes; a scratch string when only matching (request is null).
std::string& request_field(ApiRequest* request, char which) {
    thread_local std::string scratch;
    if (request == nullptr) {
        return scratch;
    }
    return which == 's' ? request->subject : which == 'v' ? request->version : request->id;
}

bool matches(const Route& route, const std::vector<std::string>& path, ApiRequest* request) {
    if (route.pattern.size() != path.size()) {
        return false;
    }
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto& p = route.pattern[i];
        if (p == "*") {
            continue;
        }
        std::string* capture = p == "{s}"    ? &request_field(request, 's')
                               : p == "{v}"  ? &request_field(request, 'v')
                               : p == "{id}" ? &request_field(request, 'i')
                                             : nullptr;
        if (capture != nullptr) {
            *capture = path[i];
        } else if (p != path[i]) {
            return false;
        }
    }
    return true;
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

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string percent_decode(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
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

void set_error(httplib::Response& res, const ApiError& error, const std::string& type = kV1) {
    res.status = error.status();
    res.set_content(error_body(error.code(), error.what()), type.c_str());
}

}  // namespace

std::vector<std::string> split_path(const std::string& raw_target) {
    std::string path = raw_target.substr(0, raw_target.find('?'));
    if (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    std::vector<std::string> segments;
    std::size_t start = path.starts_with('/') ? 1 : 0;
    if (start >= path.size()) {
        return segments;
    }
    while (true) {
        const auto slash = path.find('/', start);
        segments.push_back(percent_decode(path.substr(start, slash - start)));
        if (slash == std::string::npos) {
            break;
        }
        start = slash + 1;
    }
    return segments;
}

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

bool acceptable_request_type(const std::string& content_type) {
    const auto type = lower(trim(content_type.substr(0, content_type.find(';'))));
    return type.empty() || type == kV1 || type == "application/vnd.schemaregistry+json" ||
           type == "application/json" || type == "application/octet-stream";
}

// httplib::Server with its listening socket readable (for HttpServer::stop()).
class ListeningServer : public httplib::Server {
public:
    socket_t listening_socket() const { return svr_sock_; }
};

struct HttpServer::Impl {
    RegistryApi& api;
    Leadership& leadership;
    HealthProbe probe;
    HttpOptions options;
    ListeningServer server;
    std::thread thread;
    int port = 0;

    Impl(RegistryApi& a, Leadership& l, HealthProbe p, HttpOptions o)
        : api(a), leadership(l), probe(std::move(p)), options(std::move(o)) {}

    void handle(const httplib::Request& req, httplib::Response& res);
    bool forward(const httplib::Request& req, httplib::Response& res, const std::string& type);
    void status_route(const std::string& what, httplib::Response& res);
};

void HttpServer::Impl::status_route(const std::string& what, httplib::Response& res) {
    const auto details = probe.details ? probe.details() : "";
    const std::string extra = details.empty() ? "" : "," + details;
    if (what == "metrics") {
        res.set_content(metrics::default_registry().render(), "text/plain; version=0.0.4");
        return;
    }
    const bool ready = !probe.ready || probe.ready();
    if (what == "health") {
        res.set_content("{\"status\":\"ok\"" + extra + "}", "application/json");
        return;
    }
    res.status = ready ? 200 : 503;
    res.set_content(
        std::string("{\"status\":\"") + (ready ? "ready" : "starting") + "\"" + extra + "}",
        "application/json");
}

bool HttpServer::Impl::forward(const httplib::Request& req,
                               httplib::Response& res,
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
    const auto content_type = req.get_header_value("Content-Type");
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
    res.set_content(result->body, type.c_str());
    return true;
}

void HttpServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
    const auto path = split_path(req.target);
    if (req.method == "GET" && path.size() == 1 &&
        (path[0] == "health" || path[0] == "ready" || path[0] == "metrics")) {
        status_route(path[0], res);
        return;
    }
    ApiRequest request;
    const Route* found = nullptr;
    bool path_known = false;
    for (const auto& route : routes()) {
        if (!matches(route, path, nullptr)) {
            continue;
        }
        path_known = true;
        if (req.method == route.method ||
            (req.method == "HEAD" && std::string(route.method) == "GET")) {
            found = &route;
            break;
        }
    }
    std::string type = kV1;
    try {
        if (!path_known) {
            throw errors::not_found();
        }
        if (found == nullptr) {
            throw errors::method_not_allowed();
        }
        if ((req.method == "POST" || req.method == "PUT") &&
            !acceptable_request_type(req.get_header_value("Content-Type"))) {
            throw errors::unsupported_media();
        }
        type = negotiate_response_type(req.get_header_value("Accept"));
        if (type.empty()) {
            type = kV1;
            throw errors::not_acceptable();
        }
        if (probe.serving && !probe.serving()) {
            throw ApiError(503, 503, "HTTP 503 Service Unavailable: replaying the Kafka store");
        }
        if (found->write && forward(req, res, type)) {
            return;
        }
        matches(*found, path, &request);
        request.method = req.method;
        request.body = req.body;
        for (const auto& [k, v] : req.params) {
            request.params.emplace(k, v);
        }
        res.status = 200;
        res.set_content((api.*(found->handler))(request), type.c_str());
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
    auto& server = impl_->server;
    const auto threads = impl_->options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_tcp_nodelay(true);  // small JSON answers: no Nagle / delayed-ACK 40 ms stalls
    server.set_keep_alive_max_count(100000);
    server.set_keep_alive_timeout(30);
    server.set_payload_max_length(impl_->options.max_body_bytes);
    auto* impl = impl_.get();
    const auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
        impl->handle(req, res);
        request_counter(req.method, res.status).inc();
    };
    // Every path (decoded control characters included: those get 42208, not a 404).
    const std::string any = R"([\s\S]*)";
    server.Get(any, handler);
    server.Post(any, handler);
    server.Put(any, handler);
    server.Delete(any, handler);
    server.Patch(any, handler);
    server.Options(any, handler);
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) {
            return;
        }
        // httplib's own answers: oversized bodies, bad request lines, methods it has no
        // handler for (TRACE, CONNECT).
        if (res.status == 404 && (req.method == "TRACE" || req.method == "CONNECT")) {
            res.status = 405;
        }
        const auto error = res.status == 413   ? errors::payload_too_large()
                           : res.status == 405 ? errors::method_not_allowed()
                           : res.status == 404 ? errors::not_found()
                                               : ApiError(res.status, res.status,
                                                          "HTTP " + std::to_string(res.status));
        res.set_content(error_body(error.code(), error.what()), kV1);
        request_counter(req.method, res.status).inc();
    });
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
            set_error(res, errors::internal("internal error"));
        });
    const auto& host = impl_->options.host;
    const auto port = impl_->options.port;
    impl_->port =
        port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
    if (impl_->port <= 0) {
        throw common::ConfigError("REGISTRY_LISTEN", "cannot listen on " + host + ":" +
                                                         std::to_string(port) + " (port in use?)");
    }
}

void HttpServer::start() {
    auto* impl = impl_.get();
    impl_->thread = std::thread([impl] { impl->server.listen_after_bind(); });
    // stop() before the loop runs would be lost (httplib checks is_running): wait for it.
    while (!impl_->server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    spdlog::info("registry serving on http://{}:{}", impl_->options.host, impl_->port);
}

HttpServer::~HttpServer() {
    stop();
}

std::uint16_t HttpServer::port() const {
    return static_cast<std::uint16_t>(impl_->port);
}

namespace {

// httplib 0.11.4 has no way to end its keep-alive connections: after Server::stop() a worker
// waiting for the next request on an idle connection only notices after the keep-alive timeout
// (30 s), and stop() joins those workers. So we end them ourselves: every TCP socket of this
// process whose local address is the one we listen on, and that is not a listening socket, is
// one of our accepted connections. shutdown(SHUT_RD) makes its worker see end-of-stream at once;
// an answer being written is not cut. (No other socket of ours can have that local port while
// an accepted connection holds it.)
// `local` (an accepted connection's address) is on `listen` (a listening address, maybe a
// wildcard such as 0.0.0.0: then the port decides).
bool accepted_on(const sockaddr_storage& local, const sockaddr_storage& listen) {
    if (listen.ss_family == AF_INET) {
        const auto& l = reinterpret_cast<const sockaddr_in&>(listen);
        if (local.ss_family != AF_INET) {
            return false;
        }
        const auto& x = reinterpret_cast<const sockaddr_in&>(local);
        return x.sin_port == l.sin_port &&
               (l.sin_addr.s_addr == htonl(INADDR_ANY) || x.sin_addr.s_addr == l.sin_addr.s_addr);
    }
    if (listen.ss_family == AF_INET6) {
        const auto& l = reinterpret_cast<const sockaddr_in6&>(listen);
        if (local.ss_family != AF_INET6) {
            return false;
        }
        const auto& x = reinterpret_cast<const sockaddr_in6&>(local);
        return x.sin6_port == l.sin6_port &&
               (IN6_IS_ADDR_UNSPECIFIED(&l.sin6_addr) ||
                std::memcmp(&x.sin6_addr, &l.sin6_addr, sizeof(x.sin6_addr)) == 0);
    }
    return false;
}

int end_connections_to(const sockaddr_storage& listen_address) {
    int ended = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        int fd = -1;
        const auto name = entry.path().filename().string();
        if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) {
            continue;
        }
        sockaddr_storage local{};
        socklen_t length = sizeof(local);
        int type = 0;
        int listening = 0;
        socklen_t int_length = sizeof(int);
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 ||
            !accepted_on(local, listen_address) ||
            getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &int_length) != 0 || type != SOCK_STREAM ||
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &int_length) != 0 ||
            listening != 0) {
            continue;
        }
        if (::shutdown(fd, SHUT_RD) == 0) {
            ++ended;
        }
    }
    return ended;
}

}  // namespace

void HttpServer::stop() {
    if (!impl_->thread.joinable()) {
        return;
    }
    // The bound address, read before stop() closes the listening socket.
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    const bool have_address = getsockname(impl_->server.listening_socket(),
                                          reinterpret_cast<sockaddr*>(&address), &length) == 0;
    impl_->server.stop();  // no new connections; a connection ends after its current request
    if (have_address) {
        if (const int ended = end_connections_to(address); ended > 0) {
            spdlog::info("registry: closed {} open HTTP connection(s)", ended);
        }
    }
    impl_->thread.join();
}

}  // namespace orderflow::registry
