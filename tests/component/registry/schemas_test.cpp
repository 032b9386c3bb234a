// /schemas: by id (+ /schema, /subjects, /versions), the list and types.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

using Schemas = RegistryServerTest;

TEST_F(Schemas, ById) {
    const int id = register_schema("s", record_schema("Order"));
    const auto reply = get("/schemas/ids/" + std::to_string(id));
    EXPECT_EQ(reply.status, 200);
    const auto json = reply.json();
    EXPECT_EQ(json["schema"], get("/subjects/s/versions/1").json()["schema"]);
    EXPECT_FALSE(json.contains("schemaType"));
    // ?subject= only selects a context: a mismatch must not 404.
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(id) + "?subject=other-value").status, 200);
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(id) + "?fetchMaxId=true").json()["maxId"], id);
    const auto raw = get("/schemas/ids/" + std::to_string(id) + "/schema");
    EXPECT_EQ(Json::parse(raw.body)["name"], "Order");
}

TEST_F(Schemas, UnknownAndMalformedIds) {
    expect_error(get("/schemas/ids/999"), 404, 40403);
    EXPECT_EQ(get("/schemas/ids/999").json()["message"], "Schema 999 not found");
    expect_error(get("/schemas/ids/0"), 404, 40403);
    expect_error(get("/schemas/ids/-5"), 404, 40403);
    expect_error(get("/schemas/ids/abc"), 404, 404);
    expect_error(get("/schemas/ids/99999999999999999999"), 404, 404);
    expect_error(get("/schemas/ids/999/schema"), 404, 40403);
    expect_error(get("/schemas/ids/999/subjects"), 404, 40403);
    expect_error(get("/schemas/ids/999/versions"), 404, 40403);
}

TEST_F(Schemas, SubjectsAndVersionsOfAnId) {
    const int id = register_schema("a", "\"string\"");
    register_schema("b", "\"string\"");
    const auto ids = std::to_string(id);
    EXPECT_EQ(get("/schemas/ids/" + ids + "/subjects").json(), Json::array({"a", "b"}));
    EXPECT_EQ(get("/schemas/ids/" + ids + "/versions").json(),
              Json::parse(R"([{"subject":"a","version":1},{"subject":"b","version":1}])"));
    del("/subjects/b");
    EXPECT_EQ(get("/schemas/ids/" + ids + "/subjects").json(), Json::array({"a"}));
    EXPECT_EQ(get("/schemas/ids/" + ids + "/subjects?deleted=true").json(),
              Json::array({"a", "b"}));
    EXPECT_EQ(get("/schemas/ids/" + ids + "/versions?offset=0&limit=-1").json().size(), 1u);
}

TEST_F(Schemas, ListWithLatestOnlyAndDeleted) {
    put("/config", R"({"compatibility":"NONE"})");
    register_schema("a", "\"string\"");
    register_schema("a", "\"int\"");
    register_schema("b", "\"long\"");
    EXPECT_EQ(get("/schemas").json().size(), 3u);
    const auto latest = get("/schemas?latestOnly=true").json();
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0]["version"], 2);
    EXPECT_EQ(get("/schemas?subjectPrefix=b").json().size(), 1u);
    del("/subjects/b");
    EXPECT_EQ(get("/schemas").json().size(), 2u);
    EXPECT_EQ(get("/schemas?deleted=true").json().size(), 3u);
}

TEST_F(Schemas, HardDeletingEveryUseForgetsTheId) {
    const int id = register_schema("a", "\"string\"");
    del("/subjects/a");
    del("/subjects/a?permanent=true");
    expect_error(get("/schemas/ids/" + std::to_string(id)), 404, 40403);
}

TEST_F(Schemas, TheByIdBodyBuiltAtRegistrationFollowsDeletesAndReRegistration) {
    // The by-id answer is built once when the record is applied, not per request: it must
    // still be the same bytes after a soft delete, gone after a hard one, and back (for
    // whatever id the schema gets) when it is registered again.
    const int id = register_schema("a", record_schema("Order"));
    const auto path = "/schemas/ids/" + std::to_string(id);
    const auto before = get(path);
    ASSERT_EQ(before.status, 200);
    del("/subjects/a");
    EXPECT_EQ(get(path).body, before.body);
    del("/subjects/a?permanent=true");
    expect_error(get(path), 404, 40403);
    const int again = register_schema("b", record_schema("Order"));
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(again)).body, before.body);
}

}  // namespace
}  // namespace orderflow::registry::testing
