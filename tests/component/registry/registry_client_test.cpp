// libs/registry_client against the real registry HTTP server.
#include "registry_client/registry_client.h"

#include "registry/api_error.h"
#include "registry_fixture.h"

#include <atomic>

namespace orderflow::registry::testing {
namespace {

using registry_client::RegistryClient;
using registry_client::RegistryError;

class Client : public RegistryServerTest {
protected:
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
};

TEST_F(Client, RegisterLookupAndFetch) {
    RegistryClient client(url());
    const auto schema = record_schema("Order");
    const int id = client.register_schema("orders-value", schema);
    EXPECT_GE(id, 1);
    EXPECT_EQ(client.register_schema("orders-value", schema), id);
    EXPECT_EQ(log_.records().size(), 1u);
    EXPECT_EQ(client.lookup("orders-value", schema), id);
    EXPECT_EQ(client.lookup("orders-value", record_schema("Other")), std::nullopt);
    EXPECT_EQ(client.lookup("nobody", schema), std::nullopt);
    const auto text = client.schema_by_id(id);
    EXPECT_EQ(Json::parse(text)["name"], "Order");
    EXPECT_EQ(client.base_url(), url());
}

TEST_F(Client, SubjectsAreEncoded) {
    RegistryClient client(url() + "/");
    const int id = client.register_schema("a/b c", "\"string\"");
    EXPECT_EQ(get("/subjects").json(), Json::array({"a/b c"}));
    EXPECT_EQ(RegistryClient(url()).lookup("a/b c", "\"string\""), id);
}

TEST_F(Client, SchemaByIdIsCachedForever) {
    const int id = register_schema("s", "\"string\"");
    RegistryClient client(url());
    EXPECT_EQ(client.schema_by_id(id), "\"string\"");
    server_->stop();
    EXPECT_EQ(client.schema_by_id(id), "\"string\"");
}

TEST_F(Client, ErrorsCarryStatusAndCode) {
    RegistryClient client(url());
    try {
        client.schema_by_id(4242);
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 404);
        EXPECT_EQ(e.error_code(), 40403);
    }
    register_schema("s", record_schema("Order"));
    try {
        client.register_schema(
            "s",
            R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"x","type":"int"}]})");
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 409);
        EXPECT_EQ(e.error_code(), 409);
    }
    try {
        client.register_schema("s", "{nope");
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.error_code(), 42201);
    }
}

TEST_F(Client, UnreachableRegistryNamesTheSetting) {
    const auto port = server_->port();
    server_->stop();
    RegistryClient client("http://127.0.0.1:" + std::to_string(port),
                          std::chrono::milliseconds(500), std::chrono::seconds(1));
    try {
        client.register_schema("s", "\"string\"");
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 0);
        EXPECT_EQ(e.error_code(), 0);
        EXPECT_NE(std::string(e.what()).find("SCHEMA_REGISTRY_URL"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("attempt(s) over"), std::string::npos) << e.what();
    }
}

// A store that times out its first writes, as `_schemas` does while its leader fails over.
class FailingFirstWrites : public MemoryRecordLog {
public:
    using MemoryRecordLog::MemoryRecordLog;
    void append(const std::vector<Record>& records) override {
        if (failures_left.fetch_sub(1) > 0) {
            throw errors::operation_timeout("Timed out writing to the store (failing over)");
        }
        MemoryRecordLog::append(records);
    }
    std::atomic<int> failures_left{0};
};

class ClientRetry : public ::testing::Test {
protected:
    ClientRetry() {
        HttpOptions http;
        http.port = 0;
        http.threads = 2;
        server_ = std::make_unique<HttpServer>(api_, leader_, HealthProbe{}, http);
        server_->start();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

    SchemaStore store_;
    FailingFirstWrites log_{store_};
    SoleLeader leader_;
    RegistryApi api_{store_, log_, {}};
    std::unique_ptr<HttpServer> server_;
};

TEST_F(ClientRetry, ARegistrationThatMeetsAFailingOverStoreIsRetriedUntilItLands) {
    log_.failures_left = 2;
    RegistryClient client(url());
    EXPECT_EQ(client.register_schema("s", "\"string\""), 1);
    EXPECT_EQ(log_.failures_left.load(), -1);  // two failures, then the write
    EXPECT_EQ(log_.records().size(), 1u);
}

TEST_F(ClientRetry, RetriesEndAtTheirBudgetAndTheErrorSaysHowLongTheyTried) {
    log_.failures_left = 1000;
    RegistryClient client(url(), std::chrono::seconds(2), std::chrono::seconds(1));
    try {
        client.register_schema("s", "\"string\"");
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 500);
        EXPECT_EQ(e.error_code(), 50002);
        EXPECT_NE(std::string(e.what()).find("attempts over"), std::string::npos) << e.what();
    }
    EXPECT_GT(1000 - log_.failures_left.load(), 1) << "never retried";
    EXPECT_TRUE(log_.records().empty());
}

TEST_F(ClientRetry, ARefusalIsNotRetried) {
    RegistryClient client(url());
    EXPECT_EQ(client.register_schema("s", R"({"type":"enum","name":"E","symbols":["A"]})"), 1);
    log_.failures_left = 0;
    try {
        client.register_schema("s", R"({"type":"enum","name":"F","symbols":["A"]})");
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 409);
        EXPECT_EQ(std::string(e.what()).find("attempts"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace orderflow::registry::testing
