#include "metrics/metrics.h"
#include "support/raw_http.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>

namespace orderflow::metrics {
namespace {

TEST(MetricsRegistry, RendersCountersAndGaugesInPrometheusFormat) {
    Registry registry;
    registry.counter("orderflow_test_sent_total", "orders sent", {{"topic", "orders"}}).inc(3);
    registry.counter("orderflow_test_sent_total", "orders sent", {{"topic", "orders"}}).inc();
    registry.gauge("orderflow_test_lag", "lag").set(7);
    const auto text = registry.render();
    EXPECT_NE(text.find("# TYPE orderflow_test_sent_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("orderflow_test_sent_total{topic=\"orders\"} 4\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE orderflow_test_lag gauge\norderflow_test_lag 7\n"),
              std::string::npos);
}

TEST(StatusServer, ServesHealthMetricsAndJson404) {
    std::atomic<bool> healthy{true};
    default_registry().counter("orderflow_status_test_total", "test").inc(2);
    StatusServer server("127.0.0.1", 0, [&] {
        return HealthReport{healthy.load(), R"({"kafka":"ok"})"};
    });
    httplib::Client client("127.0.0.1", server.port());
    auto res = client.Get("/health");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"status":"ok","kafka":"ok"})");
    healthy = false;
    res = client.Get("/health");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(res->body, R"({"status":"down","kafka":"ok"})");
    res = client.Get("/metrics");
    ASSERT_TRUE(res);
    EXPECT_NE(res->body.find("orderflow_status_test_total 2"), std::string::npos);
    res = client.Get("/nope");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_NE(res->body.find("\"error\""), std::string::npos);
}

TEST(StatusServer, NotFoundBodyIsValidJsonWhateverThePathHolds) {
    StatusServer server("127.0.0.1", 0, [] { return HealthReport{true, "{}"}; });
    // Quotes, a backslash, JSON-looking text, escaped control characters and bytes that are
    // not UTF-8: all legal in a request target.
    const std::string path = "/a\"b\\c\",\"x\":\"/%00%0A/\xff\xfe";
    test::RawConnection connection(server.port());
    ASSERT_TRUE(connection.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    const auto reply = connection.read_reply(std::chrono::seconds(10));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 404);
    nlohmann::json body;
    ASSERT_NO_THROW(body = nlohmann::json::parse(reply->body)) << reply->body;
    ASSERT_EQ(body.size(), 1u) << reply->body;  // no member smuggled in by the path
    const auto error = body.at("error").get<std::string>();
    EXPECT_NE(error.find("/a\"b\\c\",\"x\":\"/%00%0A/"), std::string::npos) << error;
    EXPECT_NE(error.find("try /health or /metrics"), std::string::npos) << error;
}

TEST(StatusServer, PortInUseNamesTheSetting) {
    StatusServer first("127.0.0.1", 0, [] { return HealthReport{true, "{}"}; });
    try {
        StatusServer second("127.0.0.1", first.port(), [] { return HealthReport{true, "{}"}; });
        FAIL() << "second server bound the same port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("METRICS_PORT"), std::string::npos);
    }
}

}  // namespace
}  // namespace orderflow::metrics
