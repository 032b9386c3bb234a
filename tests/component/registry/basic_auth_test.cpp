// Basic authentication on the real HTTP server: 401 with Confluent's body and the challenge,
// reader and writer roles, the open status routes, refusals counted and logged without the
// password, and libs/registry_client with and without user info.
#include "registry_client/registry_client.h"
#include "registry_fixture.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace orderflow::registry::testing {
namespace {

constexpr const char* kUsers =
    "# orderflow registry users\n"
    "alice: alice-secret,writer\n"
    "bob: bob-secret,reader\n"
    "carol: carol-secret,reader,writer\n";

httplib::Headers as(const std::string& user, const std::string& password) {
    return {httplib::make_basic_authentication_header(user, password)};
}

class BasicAuthTest : public RegistryServerTest {
protected:
    void SetUp() override {
        start({},
              std::make_shared<const BasicAuth>(BasicAuth::parse("REGISTRY_AUTH_FILE", kUsers)));
    }

    int register_as(const httplib::Headers& who, const std::string& subject) {
        const auto reply =
            post("/subjects/" + subject + "/versions", schema_body(record_schema("R")), kV1, who);
        return reply.status;
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
};

TEST_F(BasicAuthTest, AnonymousGets401WithChallengeAndConfluentBody) {
    const auto result = client_->Get("/subjects");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 401);
    EXPECT_EQ(result->get_header_value("WWW-Authenticate"), "Basic realm=\"orderflow\"");
    expect_error(to_reply(result), 401, 40101);
    expect_error(post("/subjects/s/versions", schema_body(record_schema("R"))), 401, 40101);
}

TEST_F(BasicAuthTest, WrongPasswordUnknownUserAndGarbageGet401) {
    expect_error(get("/subjects", as("alice", "alice-secreT")), 401, 40101);
    expect_error(get("/subjects", as("alice", "alice-secret-longer")), 401, 40101);
    expect_error(get("/subjects", as("mallory", "alice-secret")), 401, 40101);
    expect_error(get("/subjects", {{"Authorization", "Basic !!!not-base64"}}), 401, 40101);
    expect_error(get("/subjects", {{"Authorization", "Bearer alice-secret"}}), 401, 40101);
}

TEST_F(BasicAuthTest, ReaderReadsLooksUpAndChecksButMayNotWrite) {
    ASSERT_EQ(register_as(as("alice", "alice-secret"), "s"), 200);
    const auto bob = as("bob", "bob-secret");
    EXPECT_EQ(get("/subjects", bob).status, 200);
    EXPECT_EQ(get("/subjects/s/versions/1", bob).status, 200);
    EXPECT_EQ(get("/config", bob).status, 200);
    EXPECT_EQ(post("/subjects/s", schema_body(record_schema("R")), kV1, bob).status, 200);
    EXPECT_EQ(
        post("/compatibility/subjects/s/versions/latest", schema_body(record_schema("R")), kV1, bob)
            .status,
        200);
    expect_error(post("/subjects/s/versions",
                      schema_body(record_schema("R2", R"(,{"name":"x","type":"int","default":0})")),
                      kV1, bob),
                 403, 40301);
    expect_error(del("/subjects/s", bob), 403, 40301);
    expect_error(del("/subjects/s/versions/1", bob), 403, 40301);
    expect_error(put("/config", R"({"compatibility":"NONE"})", kV1, bob), 403, 40301);
    expect_error(put("/config/s", R"({"compatibility":"NONE"})", kV1, bob), 403, 40301);
    expect_error(put("/mode", R"({"mode":"READONLY"})", kV1, bob), 403, 40301);
    expect_error(del("/config", bob), 403, 40301);
    // Nothing the reader tried changed anything.
    EXPECT_EQ(get("/subjects/s/versions", bob).json(), Json::array({1}));
    EXPECT_EQ(get("/config", bob).json().at("compatibilityLevel"), "BACKWARD");
}

TEST_F(BasicAuthTest, WriterRegistersDeletesAndConfigures) {
    const auto alice = as("alice", "alice-secret");
    EXPECT_EQ(register_as(alice, "s"), 200);
    EXPECT_EQ(put("/config/s", R"({"compatibility":"NONE"})", kV1, alice).status, 200);
    EXPECT_EQ(del("/subjects/s", alice).status, 200);
    // A user holding both roles writes.
    EXPECT_EQ(register_as(as("carol", "carol-secret"), "t"), 200);
}

TEST_F(BasicAuthTest, HealthAndReadyAreOpenMetricsNeedsCredentials) {
    EXPECT_EQ(get("/health").status, 200);
    EXPECT_EQ(get("/ready").status, 200);
    expect_error(get("/metrics"), 401, 40101);
    EXPECT_EQ(get("/metrics", as("bob", "bob-secret")).status, 200);
}

double refusals(const std::string& metrics, const std::string& status) {
    const std::string name = "orderflow_registry_auth_refusals_total{status=\"" + status + "\"} ";
    const auto at = metrics.find(name);
    return at == std::string::npos ? -1 : std::stod(metrics.substr(at + name.size()));
}

TEST_F(BasicAuthTest, RefusalsAreCountedAndLoggedWithoutThePassword) {
    const auto bob = as("bob", "bob-secret");
    const auto before = get("/metrics", bob).body;
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    get("/subjects", as("alice", "wrong-password-xyz"));
    get("/subjects");
    put("/config", R"({"compatibility":"NONE"})", kV1, bob);
    spdlog::set_default_logger(previous);
    const auto after = get("/metrics", bob).body;
    EXPECT_EQ(refusals(after, "401"), std::max(0.0, refusals(before, "401")) + 2);
    EXPECT_EQ(refusals(after, "403"), std::max(0.0, refusals(before, "403")) + 1);
    const auto text = log.str();
    EXPECT_NE(text.find("GET /subjects: refused 401"), std::string::npos) << text;
    EXPECT_NE(text.find("PUT /config: refused 403"), std::string::npos) << text;
    for (const char* secret : {"wrong-password-xyz", "bob-secret", "Basic ", "Ym9i"}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in: " << text;
    }
}

TEST_F(BasicAuthTest, ClientWithUserInfoRegistersAndLooksUp) {
    registry_client::RegistryClient client(url(), std::chrono::seconds(5), std::chrono::seconds(1),
                                           "alice:alice-secret");
    const int id = client.register_schema("orders-value", record_schema("Order"));
    EXPECT_EQ(client.schema_by_id(id).find("Order") != std::string::npos, true);
    registry_client::RegistryClient reader(url(), std::chrono::seconds(5), std::chrono::seconds(1),
                                           "bob:bob-secret");
    EXPECT_EQ(reader.lookup("orders-value", record_schema("Order")), id);
    EXPECT_EQ(reader.subjects(), std::vector<std::string>{"orders-value"});
}

TEST_F(BasicAuthTest, ClientWithoutUserInfoGetsAClear401) {
    registry_client::RegistryClient client(url(), std::chrono::seconds(5), std::chrono::seconds(1));
    try {
        client.register_schema("orders-value", record_schema("Order"));
        FAIL() << "registered without credentials";
    } catch (const registry_client::RegistryError& e) {
        EXPECT_EQ(e.http_status(), 401);
        EXPECT_EQ(e.error_code(), 40101);
        EXPECT_NE(std::string(e.what()).find("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"),
                  std::string::npos)
            << e.what();
    }
    registry_client::RegistryClient reader(url(), std::chrono::seconds(5), std::chrono::seconds(1),
                                           "bob:bob-secret");
    try {
        reader.register_schema("orders-value", record_schema("Order"));
        FAIL() << "a reader registered";
    } catch (const registry_client::RegistryError& e) {
        EXPECT_EQ(e.http_status(), 403);
        EXPECT_EQ(e.error_code(), 40301);
    }
}

}  // namespace
}  // namespace orderflow::registry::testing
