// `orderflow produce --via-gateway URL`: the producer's orders placed through the gateway and
// stored by both groups (the ack log holds the gateway's ids); with no gateway answering, or
// one whose Kafka never acknowledges, every order is retried, then written to the failed-orders
// file (exit 3); a URL that is not http://HOST:PORT stops the start naming the setting. A 4xx
// is failed at once, GATEWAY_TOKEN lets a client in, and a reply past 64 KiB is not read.
#include "gateway/sha256.h"
#include "integration/gateway/gateway_harness.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <thread>

namespace orderflow::test {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string url_of(std::uint16_t port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

TEST(ProduceViaGateway, OrdersArePlacedThroughTheGatewayAndStoredByBothGroups) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false, {{"BATCH_TIMEOUT", "1s"}});
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    GatewayProcess gateway(pipeline);
    const auto ack_log = pipeline.work_dir + "/via-gateway.ack";

    const auto result = pipeline.run("produce --count 20 --rate 50 --seed 7",
                                     {{"PRODUCE_VIA_GATEWAY", url_of(gateway.port()) + "/"},
                                      {"PRODUCE_ACK_LOG", ack_log},
                                      {"FAILED_ORDERS_FILE", pipeline.work_dir + "/failed.jsonl"}});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("through the gateway"), std::string::npos) << result.output;
    const auto acked = lines_of(ack_log);
    ASSERT_EQ(acked.size(), 20u);
    for (const auto& line : acked) {
        const auto id = line.substr(0, line.find(' '));
        EXPECT_EQ(line.substr(id.size()), " -1 -1");
        for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
            const auto stored = gateway.get("/v1/orders/" + id + "?wait=30s&group=" + group);
            EXPECT_EQ(stored.status, 200) << group << " " << id << ": " << stored.body;
        }
    }
    EXPECT_EQ(read_topic(pipeline.topic, 20, std::chrono::seconds(30)).size(), 20u);
    const auto audit = pipeline.audit_until_clean(std::chrono::seconds(60));
    EXPECT_EQ(audit.exit_code, 0) << audit.output;
    EXPECT_EQ(metric_value(gateway.get("/metrics").body,
                           R"(orderflow_gateway_requests_total{route="post_order",status="201"})"),
              20);
}

TEST(ProduceViaGateway, OrdersNoGatewayTookAreRetriedThenFailedWithTheirReason) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const std::map<std::string, std::string> retry_fast = {{"PRODUCE_RETRIES", "1"},
                                                           {"PRODUCE_RETRY_BACKOFF", "100ms"}};

    // Nothing listens.
    auto env = retry_fast;
    env["PRODUCE_VIA_GATEWAY"] = url_of(free_port());
    env["FAILED_ORDERS_FILE"] = pipeline.work_dir + "/no-gateway.jsonl";
    auto result = pipeline.run("produce --count 2 --rate 10", env);
    EXPECT_EQ(result.exit_code, 3) << result.output;
    auto failed = lines_of(env["FAILED_ORDERS_FILE"]);
    ASSERT_EQ(failed.size(), 2u) << result.output;
    for (const auto& line : failed) {
        const auto json = nlohmann::json::parse(line);
        EXPECT_EQ(json["attempts"], 2);
        EXPECT_NE(json["reason"].get<std::string>().find("no answer from the gateway"),
                  std::string::npos)
            << line;
    }

    // A gateway whose Kafka never answers: 503 with Retry-After, twice, then failed.
    SilentListener broker;
    GatewayProcess gateway(
        pipeline, {{"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + std::to_string(broker.port())},
                   {"GATEWAY_ACK_TIMEOUT", "1s"}});
    env["PRODUCE_VIA_GATEWAY"] = url_of(gateway.port());
    env["FAILED_ORDERS_FILE"] = pipeline.work_dir + "/silent-kafka.jsonl";
    result = pipeline.run("produce --count 1 --rate 10", env);
    EXPECT_EQ(result.exit_code, 3) << result.output;
    failed = lines_of(env["FAILED_ORDERS_FILE"]);
    ASSERT_EQ(failed.size(), 1u) << result.output;
    EXPECT_NE(failed[0].find("503 kafka_unavailable"), std::string::npos) << failed[0];
    EXPECT_EQ(metric_value(gateway.get("/metrics").body,
                           R"(orderflow_gateway_requests_total{route="post_order",status="503"})"),
              2);

    for (const std::string bad : {"ftp://127.0.0.1:8082", "http://127.0.0.1", "127.0.0.1:8082"}) {
        const auto refused = pipeline.run("produce --count 1", {{"PRODUCE_VIA_GATEWAY", bad}});
        EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.output;
        EXPECT_NE(refused.output.find("PRODUCE_VIA_GATEWAY"), std::string::npos) << refused.output;
    }
}

TEST(ProduceViaGateway, AClientErrorIsNotRetriedATokenLetsItInAndAnOverlongReplyIsNotRead) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    // The gateway does not create the topic; the consumer does.
    auto consumer = pipeline.start_consumer(true);
    ASSERT_TRUE(wait_for_topic(pipeline.topic));
    const std::string token = "producer-token-for-the-via-gateway-test";
    const auto clients = pipeline.work_dir + "/gateway-clients";
    std::ofstream(clients) << "producer: " << gateway::sha256_hex(token) << "\n";
    GatewayProcess gateway(pipeline, {{"GATEWAY_CLIENTS_FILE", clients}});
    std::map<std::string, std::string> env = {
        {"PRODUCE_RETRIES", "3"},
        {"PRODUCE_RETRY_BACKOFF", "100ms"},
        {"PRODUCE_VIA_GATEWAY", url_of(gateway.port())},
        {"FAILED_ORDERS_FILE", pipeline.work_dir + "/401.jsonl"}};

    // No token: the 401 is the answer, not a hiccup; the order is failed after one attempt.
    auto result = pipeline.run("produce --count 1 --rate 10", env);
    EXPECT_EQ(result.exit_code, 3) << result.output;
    auto failed = lines_of(env["FAILED_ORDERS_FILE"]);
    ASSERT_EQ(failed.size(), 1u) << result.output;
    EXPECT_EQ(nlohmann::json::parse(failed[0])["attempts"], 1);
    EXPECT_NE(failed[0].find("401 unauthorized"), std::string::npos) << failed[0];
    EXPECT_EQ(metric_value(gateway.get("/metrics").body,
                           R"(orderflow_gateway_requests_total{route="post_order",status="401"})"),
              1);

    // With the client's token from the environment: placed.
    env["GATEWAY_TOKEN"] = token;
    env["FAILED_ORDERS_FILE"] = pipeline.work_dir + "/token.jsonl";
    result = pipeline.run("produce --count 2 --rate 10", env);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(lines_of(env["FAILED_ORDERS_FILE"]).empty());
    EXPECT_EQ(result.output.find(token), std::string::npos) << "the token reached the log";
    for (const auto& bad :
         std::vector<std::string>{"two words", std::string(513, 't'), "a\r\nX: y"}) {
        auto with_bad = env;
        with_bad["GATEWAY_TOKEN"] = bad;
        const auto refused = pipeline.run("produce --count 1", with_bad);
        EXPECT_EQ(refused.exit_code, 2) << refused.output;
        EXPECT_NE(refused.output.find("GATEWAY_TOKEN"), std::string::npos) << refused.output;
    }

    // Something on the port that answers 201 with a megabyte: not read past 64 KiB, retried
    // (the Idempotency-Key makes that safe), then failed with the reason.
    httplib::Server endless;
    const std::string megabyte(1 << 20, 'x');
    endless.Post("/v1/orders", [&](const httplib::Request&, httplib::Response& response) {
        response.status = 201;
        response.set_content(megabyte, "application/json");
    });
    const auto port = static_cast<std::uint16_t>(endless.bind_to_any_port("127.0.0.1"));
    std::thread serving([&] { endless.listen_after_bind(); });
    env["PRODUCE_VIA_GATEWAY"] = url_of(port);
    env["PRODUCE_RETRIES"] = "1";
    env["FAILED_ORDERS_FILE"] = pipeline.work_dir + "/overlong.jsonl";
    result = pipeline.run("produce --count 1 --rate 10", env);
    endless.stop();
    serving.join();
    EXPECT_EQ(result.exit_code, 3) << result.output;
    failed = lines_of(env["FAILED_ORDERS_FILE"]);
    ASSERT_EQ(failed.size(), 1u) << result.output;
    EXPECT_EQ(nlohmann::json::parse(failed[0])["attempts"], 2);
    EXPECT_NE(failed[0].find("passed 65536 bytes"), std::string::npos) << failed[0];
}

}  // namespace
}  // namespace orderflow::test
