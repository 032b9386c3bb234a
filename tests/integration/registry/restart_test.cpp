// A registry killed with SIGKILL and started again rebuilds the same state from `_schemas`.
#include "registry_process.h"

namespace orderflow::registry::testing {
namespace {

TEST(RegistryRestart, KillNineThenRestartGivesIdenticalAnswers) {
    RegistryNames names;
    RegistryProcess registry(names);
    ASSERT_EQ(
        registry
            .request("POST", "/subjects/orders-value/versions", schema_body(record_schema("Order")))
            .status,
        200);
    ASSERT_EQ(registry
                  .request("POST", "/subjects/orders-value/versions",
                           schema_body(record_schema("Order", 1)))
                  .status,
              200);
    ASSERT_EQ(registry.request("POST", "/subjects/other-value/versions", schema_body("\"string\""))
                  .status,
              200);
    ASSERT_EQ(
        registry.request("POST", "/subjects/gone-value/versions", schema_body("\"long\"")).status,
        200);
    ASSERT_EQ(registry.request("PUT", "/config", R"({"compatibility":"FULL"})").status, 200);
    ASSERT_EQ(registry.request("PUT", "/config/other-value", R"({"compatibility":"NONE"})").status,
              200);
    ASSERT_EQ(registry.request("PUT", "/mode/gone-value", R"({"mode":"READWRITE"})").status, 200);
    ASSERT_EQ(registry.request("DELETE", "/subjects/orders-value/versions/1").status, 200);
    ASSERT_EQ(registry.request("DELETE", "/subjects/gone-value").status, 200);

    const std::vector<std::string> probes = {
        "/subjects",
        "/subjects?deleted=true",
        "/subjects/orders-value/versions",
        "/subjects/orders-value/versions?deleted=true",
        "/subjects/orders-value/versions/latest",
        "/subjects/orders-value/versions/1",
        "/subjects/orders-value/versions/1?deleted=true",
        "/subjects/gone-value/versions",
        "/subjects/gone-value/versions/1?deleted=true",
        "/schemas/ids/1",
        "/schemas/ids/2",
        "/schemas/ids/3",
        "/schemas/ids/4",
        "/schemas/ids/1/versions",
        "/schemas/ids/4/subjects?deleted=true",
        "/config",
        "/config/other-value",
        "/mode",
        "/mode/gone-value",
        "/schemas",
    };
    std::vector<RegistryProcess::Reply> before;
    for (const auto& p : probes) {
        before.push_back(registry.request("GET", p));
    }
    registry.kill9();
    registry.start();
    for (std::size_t i = 0; i < probes.size(); ++i) {
        const auto after = registry.request("GET", probes[i]);
        EXPECT_EQ(after.status, before[i].status) << probes[i];
        EXPECT_EQ(after.body, before[i].body) << probes[i];
    }
    // Ids and versions continue where they were.
    const auto next = registry.request("POST", "/subjects/orders-value/versions",
                                       schema_body(record_schema("Order", 2)));
    ASSERT_EQ(next.status, 200) << next.body;
    EXPECT_EQ(Json::parse(next.body)["id"], 5);
    EXPECT_EQ(Json::parse(registry.request("GET", "/subjects/orders-value/versions").body),
              Json::array({2, 3}));
}

TEST(RegistryRestart, BadInputNeverTakesTheProcessDown) {
    RegistryProcess registry{RegistryNames{}};
    EXPECT_EQ(registry.request("POST", "/subjects/s/versions", "{nope").status, 400);
    EXPECT_EQ(
        registry.request("POST", "/subjects/s/versions", schema_body("{\"type\":\"x\"}")).status,
        422);
    EXPECT_EQ(registry.request("POST", "/subjects/s/versions", std::string(20 << 20, '[')).status,
              413);
    EXPECT_EQ(registry.request("GET", "/schemas/ids/123456").status, 404);
    EXPECT_EQ(registry.request("GET", "/subjects/s/versions/0").status, 422);
    EXPECT_EQ(registry.request("PUT", "/schemas/types", "{}").status, 405);
    EXPECT_EQ(registry.request("GET", "/health").status, 200);
    EXPECT_TRUE(registry.process().running());
    const auto metrics = registry.request("GET", "/metrics");
    EXPECT_NE(metrics.body.find("orderflow_registry_http_requests_total"), std::string::npos);
    EXPECT_NE(metrics.body.find("orderflow_registry_leader 1"), std::string::npos);
}

}  // namespace
}  // namespace orderflow::registry::testing
