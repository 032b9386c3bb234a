#pragma once

// A libs/http server on an ephemeral loopback port with the routes a test gives, and raw
// connections to it.

#include "http/server.h"
#include "support/raw_http.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace orderflow::http::testing {

using namespace std::chrono_literals;
using test::raw_get;
using test::RawConnection;
using test::RawReply;

/// Polls `condition` every 10 ms for up to 10 s.
template <typename Condition>
bool test_wait(Condition condition) {
    for (int i = 0; i < 1000; ++i) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

class HttpServerTest : public ::testing::Test {
protected:
    void TearDown() override {
        if (server_) {
            server_->stop();
        }
    }

    void start(Router router, Limits limits = {}, ErrorRenderer renderer = render_json_error) {
        ServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.name = "test";
        options.limits = limits;
        options.io_threads = 2;
        options.worker_threads = 2;
        options.render_error = std::move(renderer);
        server_ = std::make_unique<Server>(std::move(router), std::move(options));
        server_->start();
    }

    RawConnection connect() const { return RawConnection(server_->port()); }

    /// One request on a new connection; the reply (status 0 when none came).
    RawReply once(const std::string& request) const {
        auto connection = connect();
        EXPECT_TRUE(connection.send(request));
        const auto reply = connection.read_reply(10s);
        EXPECT_TRUE(reply) << "no reply to " << request;
        return reply.value_or(RawReply{});
    }

    static Router echo_router() {
        Router router;
        router.add("GET", "/items/{id}", [](const Request& req, Response& res) {
            res.set_body("item " + req.param("id"), "text/plain");
        });
        router.add("POST", "/echo", [](const Request& req, Response& res) {
            res.set_body(req.body, req.header("content-type"));
            res.set_header("X-Query", req.query_params().count("a") == 0
                                          ? ""
                                          : req.query_params().find("a")->second);
        });
        router.add("GET", "/files/*", [](const Request& req, Response& res) {
            res.set_body("rest " + req.param("*"), "text/plain");
        });
        return router;
    }

    std::unique_ptr<Server> server_;
};

}  // namespace orderflow::http::testing
