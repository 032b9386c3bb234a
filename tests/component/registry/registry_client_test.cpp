// libs/registry_client against the real registry HTTP server.
#include "registry_client/registry_client.h"

#include "registry_fixture.h"

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
                          std::chrono::milliseconds(500));
    try {
        client.register_schema("s", "\"string\"");
        FAIL() << "no error";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 0);
        EXPECT_EQ(e.error_code(), 0);
        EXPECT_NE(std::string(e.what()).find("SCHEMA_REGISTRY_URL"), std::string::npos);
    }
}

}  // namespace
}  // namespace orderflow::registry::testing
