// The HTTP request reader of libs/http (heads, chunked bodies and trailers, pipelined requests).
// A real Server runs on 127.0.0.1 for the whole run, so the bytes go through the same socket
// reads, Beast parser settings and connection state machine as in every service; a copy of the
// parser set-up would drift from connection_read.cpp. Each input is written to a fresh
// connection, which is then half-closed and read until the server closes it. An exception
// escaping the event loop aborts the process, which libFuzzer reports with the input.

#include "http/router.h"
#include "http/server.h"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace {

using orderflow::http::Request;
using orderflow::http::Response;

std::uint16_t g_port = 0;

// Routes of every shape the services use: literal, {param}, rest "*", any method, blocking.
orderflow::http::Router routes() {
    orderflow::http::Router router;
    router.add("GET", "/", [](const Request&, Response& res) { res.set_body("ok", "text/plain"); });
    router.add("POST", "/subjects/{subject}/versions", [](const Request& req, Response& res) {
        res.set_body(req.param("subject") + req.body, "application/json");
    });
    router.add("", "/any/*", [](const Request& req, Response& res) {
        std::string out = req.method + " " + req.param("*") + "\n";
        for (const auto& [name, value] : req.query_params()) {
            out += name + "=" + value + "\n";
        }
        out += req.header("Content-Type");
        res.set_body(out, "text/plain");
    });
    router.add("PUT", "/blocking/{id}",
               [](const Request& req, Response& res) { res.set_body(req.body, "text/plain"); },
               {.blocking = true});
    router.add("GET", "/throws", [](const Request&, Response&) { throw std::runtime_error("x"); });
    return router;
}

// Reads until the server closes (or 2 s pass); the answer itself is not checked.
void drain(int fd) {
    char buffer[16384];
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    orderflow::http::ServerOptions options;
    options.name = "fuzz";
    // Small limits so that inputs of a few KiB reach every "too large" answer.
    options.limits.max_header_bytes = 4096;
    options.limits.max_body_bytes = 8192;
    options.limits.head_timeout = std::chrono::milliseconds(2000);
    options.limits.body_timeout = std::chrono::milliseconds(2000);
    options.limits.idle_timeout = std::chrono::milliseconds(2000);
    options.limits.handler_budget = std::chrono::milliseconds(2000);
    options.worker_threads = 1;
    // Never destroyed: stopping it at exit would race libFuzzer's own exit path.
    static auto* server = new orderflow::http::Server(routes(), options);
    server->start();
    g_port = server->port();
    return 0;
}

namespace {

// A connection to the server. Refused means the server is gone: that is the finding. A
// connect that times out (SO_SNDTIMEO: the accept queue is full on a loaded machine) is tried
// again, a few times, before it counts as one too.
int connect_to_server() {
    for (int attempt = 1; attempt <= 5; ++attempt) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            std::abort();
        }
        timeval timeout{2, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        // Close with a reset: thousands of connections a second would otherwise use up the
        // ephemeral ports in TIME_WAIT.
        linger reset{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(g_port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
            return fd;
        }
        const int error = errno;
        ::close(fd);
        std::fprintf(stderr, "fuzz: connect attempt %d: %s\n", attempt, std::strerror(error));
        if (error == ECONNREFUSED) {
            std::abort();
        }
    }
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const int fd = connect_to_server();
    std::size_t sent = 0;
    while (sent < size) {
        // The server may answer 413/431/400 and close before reading everything.
        const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    drain(fd);
    ::close(fd);
    return 0;
}
