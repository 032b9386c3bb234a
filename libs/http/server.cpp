#include "http/server.h"

#include "common/config_error.h"
#include "common/guarded_thread.h"
#include "connection.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <future>
#include <sys/resource.h>

namespace orderflow::http {
namespace detail {
namespace {

// Room for what else the process opens (Kafka sockets, files, the listening socket).
constexpr rlim_t kSpareFiles = 256;

void raise_open_file_limit(std::size_t connections, const std::string& name) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    const rlim_t wanted = static_cast<rlim_t>(connections) + kSpareFiles;
    if (limit.rlim_cur >= wanted) {
        return;
    }
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
        spdlog::warn(
            "{}: open-file limit {} is below {} connections + {}: accept() may fail "
            "(retried) before the connection cap is reached",
            name, limit.rlim_cur, connections, kSpareFiles);
    }
}

tcp::endpoint resolve(const std::string& host, std::uint16_t port, const std::string& setting) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) {
        return {address, port};
    }
    asio::io_context io;
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
        throw common::ConfigError(setting, "cannot resolve host '" + host + "'");
    }
    return *results.begin();
}

}  // namespace

ServerCore::ServerCore(Router r, ServerOptions o)
    : router(std::move(r)),
      options(std::move(o)),
      buffers(options.limits.max_buffered_bytes),
      accept_strand(asio::make_strand(io)),
      acceptor(accept_strand),
      accept_retry(accept_strand),
      workers(std::max<std::size_t>(1, options.worker_threads)) {
    raise_open_file_limit(options.limits.max_connections, options.name);
    if (options.limits.max_body_bytes > options.limits.max_buffered_bytes) {
        spdlog::warn("{}: bodies over {} bytes (the cap on bodies held at once) are answered 503",
                     options.name, options.limits.max_buffered_bytes);
    }
    const auto endpoint = resolve(options.host, options.port, options.listen_setting);
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw common::ConfigError(options.listen_setting, "cannot listen on " + options.host + ":" +
                                                              std::to_string(options.port) + " (" +
                                                              ec.message() + ")");
    }
    port = acceptor.local_endpoint().port();
}

void ServerCore::render(const ServerError& error,
                        const Request* request,
                        Response& response) const {
    response.status = error.status;
    if (options.render_error) {
        options.render_error(error, request, response);
    } else {
        render_json_error(error, request, response);
    }
}

void ServerCore::accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, Socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
            return;  // stopping
        }
        if (ec) {
            // Out of file descriptors (EMFILE/ENFILE) or a transient error: back off briefly
            // instead of spinning; connections wait in the backlog meanwhile.
            const auto now = std::chrono::steady_clock::now();
            if (now - last_accept_warning > std::chrono::seconds(5)) {
                last_accept_warning = now;
                spdlog::warn("{}: accept failed: {} (retrying)", options.name, ec.message());
            }
            accept_retry.expires_after(std::chrono::milliseconds(50));
            accept_retry.async_wait([this](beast::error_code wait_ec) {
                if (!wait_ec) {
                    accept();
                }
            });
            return;
        }
        if (stopping) {
            return;  // socket closes as it goes out of scope
        }
        if (open.load() >= options.limits.max_connections) {
            refuse(socket);
        } else {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);  // small answers: no Nagle delay
            open.fetch_add(1);
            auto connection = std::make_shared<Connection>(*this, std::move(socket), ++next_id);
            add(connection);
            connection->start();
        }
        accept();
    });
}

void ServerCore::refuse(Socket& socket) {
    refused.fetch_add(1);
    Response response;
    render({503, Failure::over_capacity,
            "over " + std::to_string(options.limits.max_connections) + " open connections"},
           nullptr, response);
    std::string bytes = "HTTP/1.1 503 Service Unavailable\r\n";
    for (const auto& [name, value] : response.headers) {
        bytes += name + ": " + value + "\r\n";
    }
    bytes += "Content-Length: " + std::to_string(response.body.size()) +
             "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + response.body;
    // One non-blocking write into an empty send buffer: never waits on the client.
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(bytes), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void ServerCore::add(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex);
    connections.emplace(connection->id(), connection);
}

void ServerCore::remove(std::uint64_t id) {
    std::lock_guard lock(mutex);
    connections.erase(id);
    open.fetch_sub(1);
    all_closed.notify_all();
}

void ServerCore::lingering_changed(int delta) {
    std::lock_guard lock(mutex);
    if (delta > 0) {
        lingering.fetch_add(1);
    } else {
        lingering.fetch_sub(1);
    }
    all_closed.notify_all();
}

void ServerCore::run_loop() {
    while (true) {
        try {
            io.run();
            return;  // stopped
        } catch (const std::exception& e) {
            spdlog::error("{}: event loop: {} (connection dropped, serving on)", options.name,
                          e.what());
        } catch (...) {
            spdlog::error("{}: event loop: unknown exception (connection dropped, serving on)",
                          options.name);
        }
    }
}

std::vector<std::shared_ptr<Connection>> ServerCore::connections_now() {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lock(mutex);
    out.reserve(connections.size());
    for (const auto& [id, weak] : connections) {
        if (auto connection = weak.lock()) {
            out.push_back(std::move(connection));
        }
    }
    return out;
}

}  // namespace detail

namespace asio = boost::asio;
namespace beast = boost::beast;

void render_json_error(const ServerError& error, const Request*, Response& response) {
    const nlohmann::json body = {{"error_code", error.status}, {"message", error.message}};
    // The message may carry a client's bytes (an exception's text): never throw on bad UTF-8.
    response.set_body(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                      "application/json");
}

Server::Server(Router router, ServerOptions options)
    : core_(std::make_shared<detail::ServerCore>(std::move(router), std::move(options))) {}

Server::~Server() {
    stop();
}

std::uint16_t Server::port() const {
    return core_->port;
}

void Server::start() {
    auto& core = *core_;
    if (core.started) {
        return;
    }
    core.started = true;
    core.keep_running.emplace(core.io.get_executor());
    asio::post(core.accept_strand, [&core] { core.accept(); });
    for (std::size_t i = 0; i < std::max<std::size_t>(1, core.options.io_threads); ++i) {
        core.io_threads.emplace_back(
            common::guarded(core.options.name + " event loop", [&core] { core.run_loop(); }));
    }
    spdlog::info("{}: HTTP on {}:{} (max {} connections)", core.options.name, core.options.host,
                 core.port, core.options.limits.max_connections);
}

void Server::stop() {
    auto& core = *core_;
    if (core.stopped) {
        return;
    }
    core.stopped = true;
    core.stopping = true;
    std::promise<void> acceptor_closed;
    asio::post(core.accept_strand, [&core, &acceptor_closed] {
        beast::error_code ignored;
        core.acceptor.close(ignored);
        core.accept_retry.cancel();
        acceptor_closed.set_value();
    });
    if (!core.started) {
        core.io.run();  // runs the close above
        return;
    }
    acceptor_closed.get_future().wait();
    for (const auto& connection : core.connections_now()) {
        connection->shut_down();
    }
    const auto& limits = core.options.limits;
    std::unique_lock lock(core.mutex);
    // Done when every connection is closed or has sent its last answer (a lingering one only
    // waits for the client's close, which nobody needs to wait for now).
    const bool drained = core.all_closed.wait_for(lock, limits.shutdown_timeout, [&core] {
        return core.open.load() == core.lingering.load();
    });
    lock.unlock();
    if (!drained) {
        spdlog::warn("{}: {} connection(s) still busy after {} ms: closing them", core.options.name,
                     core.open.load() - core.lingering.load(), limits.shutdown_timeout.count());
    }
    for (const auto& connection : core.connections_now()) {
        connection->force_close();
    }
    lock.lock();
    core.all_closed.wait_for(lock, std::chrono::seconds(1),
                             [&core] { return core.open.load() == 0; });
    lock.unlock();
    core.keep_running.reset();
    core.workers.stop();  // queued handlers are dropped; running ones finish
    core.workers.join();
    core.io.stop();
    for (auto& thread : core.io_threads) {
        thread.join();
    }
    spdlog::info("{}: HTTP stopped", core.options.name);
}

ServerStats Server::stats() const {
    return {core_->open.load(), core_->refused.load()};
}

}  // namespace orderflow::http
