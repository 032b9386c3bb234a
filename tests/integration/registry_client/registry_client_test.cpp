// The client against `orderflow registry`: what it registers it reads back, answers it cached
// need no registry, and the registry's errors come through with their codes.
#include "registry_client/registry_client.h"

#include "registry/registry_process.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace orderflow::registry_client {
namespace {

using registry::testing::record_schema;
using registry::testing::RegistryNames;
using registry::testing::RegistryProcess;

TEST(RegistryClient, RegistersLooksUpAndReadsBackWhatTheRegistryHolds) {
    RegistryNames names;
    names.env["REGISTRY_DEFAULT_COMPATIBILITY"] = "FULL";
    RegistryProcess registry(names);
    RegistryClient client(registry.url());
    const auto subject = test::unique_name("client") + "-value";
    const auto schema = record_schema("Order");

    const int id = client.register_schema(subject, schema);
    EXPECT_GT(id, 0);
    EXPECT_EQ(client.register_schema(subject, schema), id);
    EXPECT_EQ(client.lookup(subject, schema), id);
    EXPECT_EQ(client.schema_by_id(id), schema);  // already canonical: stored as sent

    const auto subjects = client.subjects();
    EXPECT_NE(std::find(subjects.begin(), subjects.end(), subject), subjects.end());
    EXPECT_EQ(client.versions(subject), std::vector<int>{1});
    const auto latest = client.version(subject, "latest");
    EXPECT_EQ(latest.subject, subject);
    EXPECT_EQ(latest.version, 1);
    EXPECT_EQ(latest.id, id);
    EXPECT_EQ(latest.schema, schema);
    EXPECT_EQ(client.compatibility(subject), "FULL");  // the global level: none of its own
    EXPECT_EQ(client.subject_versions_of(id),
              (std::vector<std::pair<std::string, int>>{{subject, 1}}));
}

TEST(RegistryClient, LookupOfAnUnknownSchemaOrSubjectIsNoneNotAnError) {
    RegistryProcess registry{RegistryNames{}};
    RegistryClient client(registry.url());
    const auto subject = test::unique_name("client") + "-value";
    client.register_schema(subject, record_schema("Order"));
    EXPECT_EQ(client.lookup(subject, record_schema("Order", 1)), std::nullopt);
    EXPECT_EQ(client.lookup(test::unique_name("nobody") + "-value", record_schema("Order")),
              std::nullopt);
}

TEST(RegistryClient, AnUnknownIdOrSubjectIsARegistryErrorWithConfluentsCode) {
    RegistryProcess registry{RegistryNames{}};
    RegistryClient client(registry.url());
    try {
        client.schema_by_id(987654);
        FAIL() << "an unknown id was answered";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 404);
        EXPECT_EQ(e.error_code(), 40403);
        EXPECT_NE(std::string(e.what()).find(registry.url()), std::string::npos) << e.what();
    }
    try {
        client.versions(test::unique_name("nobody"));
        FAIL() << "an unknown subject was answered";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 404);
        EXPECT_EQ(e.error_code(), 40401);
    }
}

TEST(RegistryClient, AnInvalidSchemaIsRefusedWith42201AndNotRetried) {
    RegistryProcess registry{RegistryNames{}};
    RegistryClient client(registry.url());
    try {
        client.register_schema(test::unique_name("client"), R"({"type":"nope"})");
        FAIL() << "an invalid schema was registered";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 422);
        EXPECT_EQ(e.error_code(), 42201);
        // A 4xx is final: no attempt count is added to the registry's message.
        EXPECT_EQ(std::string(e.what()).find("attempts"), std::string::npos) << e.what();
    }
}

TEST(RegistryClient, CachedAnswersAreGivenWithoutAskingTheRegistryAgain) {
    RegistryProcess registry{RegistryNames{}};
    RegistryClient client(registry.url(), std::chrono::seconds(2), std::chrono::seconds(1));
    const auto subject = test::unique_name("client") + "-value";
    const auto schema = record_schema("Order");
    const int id = client.register_schema(subject, schema);
    const auto text = client.schema_by_id(id);

    registry.kill9();
    EXPECT_EQ(client.schema_by_id(id), text);
    EXPECT_EQ(client.register_schema(subject, schema), id);
    EXPECT_EQ(client.lookup(subject, schema), id);
    // What was never asked is not cached: the registry is really gone.
    try {
        client.schema_by_id(id + 1);
        FAIL() << "a stopped registry answered";
    } catch (const RegistryError& e) {
        EXPECT_EQ(e.http_status(), 0);
    }
    // Reads for tools are never cached: subjects change.
    EXPECT_THROW(client.subjects(), RegistryError);
}

}  // namespace
}  // namespace orderflow::registry_client
