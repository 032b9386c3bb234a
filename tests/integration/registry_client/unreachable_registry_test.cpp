// The client against what is not a working registry: nothing listening, a listener that never
// answers, and a stand-in that answers errors or bodies of the wrong shape. Every case ends in a
// RegistryError that says what happened, within the client's time bounds.
#include "registry_client/registry_client.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <chrono>
#include <functional>
#include <memory>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace orderflow::registry_client {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string url_of(std::uint16_t port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

/// An HTTP server on a free port with the routes a test gives it, stopped by the destructor.
class StandIn {
public:
    StandIn() = default;
    ~StandIn() {
        server_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    StandIn(const StandIn&) = delete;
    StandIn& operator=(const StandIn&) = delete;

    httplib::Server& server() { return server_; }
    /// Listening when it returns: connections wait in the backlog until the thread serves them.
    void start() {
        port_ = server_.bind_to_any_port("127.0.0.1");
        if (port_ <= 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    std::string url() const { return url_of(static_cast<std::uint16_t>(port_)); }

private:
    int port_ = 0;
    httplib::Server server_;
    std::thread thread_;
};

void answer(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/vnd.schemaregistry.v1+json");
}

TEST(RegistryClientUnreachable, NothingListeningIsStatusZeroNamingTheUrlAndTheSetting) {
    const auto url = url_of(test::free_port());
    RegistryClient client(url, milliseconds(500));
    const auto started = Clock::now();
    try {
        client.schema_by_id(1);
        FAIL() << "nothing listening answered";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 0);
        EXPECT_EQ(e.error_code(), 0);
        const std::string what = e.what();
        EXPECT_NE(what.find("cannot reach the schema registry at " + url), std::string::npos)
            << what;
        EXPECT_NE(what.find("SCHEMA_REGISTRY_URL"), std::string::npos) << what;
    }
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
}

TEST(RegistryClientUnreachable, AListenerThatNeverAnswersIsGivenUpAfterTheTimeout) {
    test::SilentListener silent;
    RegistryClient client(url_of(silent.port()), milliseconds(500));
    const auto started = Clock::now();
    EXPECT_THROW(client.schema_by_id(1), RegistryError);
    const auto took = Clock::now() - started;
    EXPECT_GE(took, milliseconds(400));
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(RegistryClientUnreachable, RegisteringRetriesADownRegistryOnlyForTheWriteRetryTime) {
    RegistryClient client(url_of(test::free_port()), milliseconds(500), milliseconds(1500));
    const auto started = Clock::now();
    try {
        client.register_schema("s", R"("string")");
        FAIL() << "nothing listening registered a schema";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 0);
        const std::string what = e.what();
        EXPECT_NE(what.find("attempt(s) over"), std::string::npos) << what;
        EXPECT_EQ(what.find("(1 attempt(s)"), std::string::npos) << "no retry: " << what;
    }
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(6));
}

TEST(RegistryClientUnreachable, A5xxWhileRegisteringIsRetriedThenReportedWithTheAttempts) {
    StandIn registry;
    int calls = 0;
    registry.server().Post("/subjects/s/versions", [&](const auto&, auto& res) {
        ++calls;
        answer(res, 500, R"({"error_code":50001,"message":"store down"})");
    });
    registry.start();
    RegistryClient client(registry.url(), milliseconds(1000), milliseconds(1000));
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    try {
        client.register_schema("s", R"("string")");
        FAIL() << "a failing registry registered a schema";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 500);
        EXPECT_EQ(e.error_code(), 50001);
        EXPECT_NE(std::string(e.what()).find("store down (after "), std::string::npos) << e.what();
    }
    spdlog::set_default_logger(previous);
    EXPECT_GE(calls, 2);
    // Each retry says so while it waits, not only the final error.
    EXPECT_NE(log.str().find("registering under s got HTTP 500 (attempt 1, "), std::string::npos)
        << log.str();
}

TEST(RegistryClientUnreachable, BodiesOfTheWrongShapeAreErrorsThatQuoteThem) {
    StandIn registry;
    registry.server().Get("/reg/schemas/ids/1",
                          [](const auto&, auto& res) { answer(res, 200, "<html>hi</html>"); });
    registry.server().Get("/reg/schemas/ids/2",
                          [](const auto&, auto& res) { answer(res, 200, R"({"id":2})"); });
    registry.server().Get("/reg/subjects",
                          [](const auto&, auto& res) { answer(res, 503, "proxy: upstream down"); });
    registry.server().Get("/reg/subjects/s/versions",
                          [](const auto&, auto& res) { answer(res, 200, R"({"not":"a list"})"); });
    registry.start();
    // A base URL with a path (behind a proxy) keeps it; trailing slashes are dropped.
    RegistryClient client(registry.url() + "/reg/", milliseconds(1000));
    const auto error_of = [](const std::function<void()>& call) -> RegistryError {
        try {
            call();
        } catch (const RegistryError& e) {
            return e;
        }
        throw std::runtime_error("no RegistryError");
    };
    auto e = error_of([&] { client.schema_by_id(1); });
    EXPECT_EQ(e.error_code(), -1);
    EXPECT_NE(std::string(e.what()).find("not JSON"), std::string::npos) << e.what();
    e = error_of([&] { client.schema_by_id(2); });
    EXPECT_NE(std::string(e.what()).find(R"(answered without a schema: {"id":2})"),
              std::string::npos)
        << e.what();
    e = error_of([&] { client.subjects(); });
    EXPECT_EQ(e.http_status(), 503);
    EXPECT_NE(std::string(e.what()).find("proxy: upstream down"), std::string::npos) << e.what();
    e = error_of([&] { client.versions("s"); });
    EXPECT_NE(std::string(e.what()).find("not an array of numbers"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace orderflow::registry_client
