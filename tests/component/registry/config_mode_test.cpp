// /config and /mode: the asymmetric field names, levels, defaultToGlobal, deletes, modes and
// their effect on writes.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

using ConfigMode = RegistryServerTest;

TEST_F(ConfigMode, GlobalConfigRoundTrip) {
    EXPECT_EQ(get("/config").json(), Json({{"compatibilityLevel", "BACKWARD"}}));
    const auto put_reply = put("/config", R"({"compatibility":"full_transitive"})");
    EXPECT_EQ(put_reply.status, 200);
    EXPECT_EQ(put_reply.json(), Json({{"compatibility", "FULL_TRANSITIVE"}}));
    EXPECT_EQ(get("/config/").json(), Json({{"compatibilityLevel", "FULL_TRANSITIVE"}}));
    EXPECT_EQ(del("/config").json(), Json({{"compatibilityLevel", "FULL_TRANSITIVE"}}));
    EXPECT_EQ(get("/config").json(), Json({{"compatibilityLevel", "BACKWARD"}}));
}

TEST_F(ConfigMode, InvalidLevelIs42203) {
    expect_error(put("/config", R"({"compatibility":"SIDEWAYS"})"), 422, 42203);
    expect_error(put("/config/s", R"({"compatibility":5})"), 422, 42203);
    expect_error(put("/config", R"({})"), 422, 42203);
}

TEST_F(ConfigMode, SubjectConfig) {
    expect_error(get("/config/s"), 404, 40408);
    EXPECT_EQ(get("/config/s?defaultToGlobal=true").json(),
              Json({{"compatibilityLevel", "BACKWARD"}}));
    // allowed for subjects without schemas
    EXPECT_EQ(put("/config/s", R"({"compatibility":"NONE"})").json(),
              Json({{"compatibility", "NONE"}}));
    EXPECT_EQ(get("/config/s").json(), Json({{"compatibilityLevel", "NONE"}}));
    EXPECT_EQ(del("/config/s").json(), Json({{"compatibilityLevel", "NONE"}}));
    expect_error(del("/config/s"), 404, 40401);
    expect_error(put("/config/%0Abad", R"({"compatibility":"NONE"})"), 422, 42208);
}

TEST_F(ConfigMode, DefaultContextIsGlobal) {
    put("/config/:.:", R"({"compatibility":"FORWARD"})");
    EXPECT_EQ(get("/config").json()["compatibilityLevel"], "FORWARD");
    EXPECT_EQ(get("/config/:.:").json()["compatibilityLevel"], "FORWARD");
}

TEST_F(ConfigMode, SubjectConfigDecidesCompatibility) {
    register_schema("s", "\"string\"");
    expect_error(post("/subjects/s/versions", schema_body("\"int\"")), 409, 409);
    put("/config/s", R"({"compatibility":"NONE"})");
    EXPECT_EQ(post("/subjects/s/versions", schema_body("\"int\"")).status, 200);
}

TEST_F(ConfigMode, GlobalMode) {
    EXPECT_EQ(get("/mode").json(), Json({{"mode", "READWRITE"}}));
    EXPECT_EQ(put("/mode", R"({"mode":"READONLY"})").json(), Json({{"mode", "READONLY"}}));
    EXPECT_EQ(get("/mode").json(), Json({{"mode", "READONLY"}}));
    expect_error(post("/subjects/s/versions", schema_body("\"string\"")), 422, 42205);
    EXPECT_EQ(del("/mode").json(), Json({{"mode", "READONLY"}}));
    EXPECT_EQ(post("/subjects/s/versions", schema_body("\"string\"")).status, 200);
    expect_error(put("/mode", R"({"mode":"SIDEWAYS"})"), 422, 42204);
    expect_error(put("/mode", R"({"mode":"IMPORT"})"), 422, 42205);
    EXPECT_EQ(put("/mode?force=True", R"({"mode":"IMPORT"})").status, 200);
}

TEST_F(ConfigMode, SubjectMode) {
    expect_error(get("/mode/s"), 404, 40409);
    EXPECT_EQ(get("/mode/s?defaultToGlobal=true").json(), Json({{"mode", "READWRITE"}}));
    EXPECT_EQ(put("/mode/s?force=False", R"({"mode":"READONLY"})").json(),
              Json({{"mode", "READONLY"}}));
    expect_error(post("/subjects/s/versions", schema_body("\"string\"")), 422, 42205);
    EXPECT_EQ(post("/subjects/other/versions", schema_body("\"string\"")).status, 200);
    expect_error(put("/mode/s", R"({"mode":"FORWARD"})"), 422, 42204);
    EXPECT_EQ(del("/mode/s").json(), Json({{"mode", "READONLY"}}));
    expect_error(del("/mode/s"), 404, 40401);
}

TEST_F(ConfigMode, ImportModeTakesGivenIdsAndVersions) {
    put("/mode", R"({"mode":"IMPORT"})");
    expect_error(post("/subjects/s/versions", schema_body("\"string\"")), 422, 42205);
    Json body;
    body["schema"] = "\"string\"";
    body["id"] = 42;
    body["version"] = 3;
    const auto reply = post("/subjects/s/versions", body.dump());
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json()["id"], 42);
    EXPECT_EQ(get("/subjects/s/versions").json(), Json::array({3}));
    body["schema"] = "\"int\"";
    body["version"] = 4;
    expect_error(post("/subjects/s/versions", body.dump()), 422, 42207);
    put("/mode", R"({"mode":"READWRITE"})");
    EXPECT_EQ(register_schema("t", "\"long\""), 43);
}

}  // namespace
}  // namespace orderflow::registry::testing
