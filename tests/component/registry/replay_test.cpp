// Replay of `_schemas` records as Confluent's registry writes them (recorded shapes, including
// tombstones, DELETE_SUBJECT, CONFIG/MODE, NOOP, unknown key types and garbage): the store must
// rebuild the state Confluent would serve.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

struct Recorded {
    const char* key;
    const char* value;  // nullptr = tombstone
};

// Shapes as CSR 7.x writes them (and Karapace's recorded schemas.log: spaces, other field order).
const Recorded kConfluentLog[] = {
    {R"({"keytype":"CONFIG","subject":null,"magic":0})", R"({"compatibilityLevel":"NONE"})"},
    {R"({"keytype":"SCHEMA","subject":"wow.first.subject","version":1,"magic":1})",
     R"({"deleted": false, "id": 1, "schema": "{\"type\":\"record\",\"name\":\"First\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}", "subject": "wow.first.subject", "version": 1})"},
    {R"({"keytype":"SCHEMA","subject":"wow.first.subject","version":2,"magic":1})",
     R"({"subject":"wow.first.subject","version":2,"id":2,"schema":"\"string\"","deleted":false})"},
    {R"({"keytype":"NOOP","magic":0})", nullptr},
    {R"({"keytype":"SCHEMA","subject":"other","version":1,"magic":1})",
     R"({"subject":"other","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"First\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}","deleted":false})"},
    {R"({"keytype":"SCHEMA","subject":"proto","version":1,"magic":1})",
     R"({"subject":"proto","version":1,"id":5,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\nmessage M { string a = 1; }","deleted":false})"},
    {R"({"keytype":"CONFIG","subject":"other","magic":0})",
     R"({"compatibilityLevel":"FULL","subject":"other"})"},
    {R"({"keytype":"MODE","subject":"proto","magic":0})",
     R"({"subject":"proto","mode":"READONLY"})"},
    // soft delete of version 2 by rewriting it with deleted:true
    {R"({"keytype":"SCHEMA","subject":"wow.first.subject","version":2,"magic":1})",
     R"({"subject":"wow.first.subject","version":2,"id":2,"schema":"\"string\"","deleted":true})"},
    // a subject soft-deleted as a whole, then one version hard-deleted (tombstone)
    {R"({"keytype":"SCHEMA","subject":"gone","version":1,"magic":1})",
     R"({"subject":"gone","version":1,"id":3,"schema":"\"int\"","deleted":false})"},
    {R"({"keytype":"SCHEMA","subject":"gone","version":2,"magic":1})",
     R"({"subject":"gone","version":2,"id":4,"schema":"\"long\"","deleted":false})"},
    {R"({"keytype":"DELETE_SUBJECT","subject":"gone","magic":0})",
     R"({"subject":"gone","version":2})"},
    {R"({"keytype":"SCHEMA","subject":"gone","version":1,"magic":1})", nullptr},
    // a subject created and fully hard-deleted, with its config
    {R"({"keytype":"SCHEMA","subject":"tmp","version":1,"magic":1})",
     R"({"subject":"tmp","version":1,"id":6,"schema":"\"bytes\"","deleted":true})"},
    {R"({"keytype":"CONFIG","subject":"tmp","magic":0})", R"({"compatibilityLevel":"NONE"})"},
    {R"({"keytype":"SCHEMA","subject":"tmp","version":1,"magic":1})", nullptr},
    {R"({"keytype":"CONFIG","subject":"tmp","magic":0})", nullptr},
    // things a reader must survive
    {R"({"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0})",
     R"({"tenant":"default","context":".ctx"})"},
    {R"({"keytype":"ASSOC","magic":0})", R"({})"},
    {"not json", "also not json"},
    {R"({"keytype":"SCHEMA","subject":"broken","version":1,"magic":1})", R"({"subject":"broken"})"},
    {R"({"keytype":"MODE","subject":null,"magic":0})", R"({"mode":"READWRITE"})"},
};

class Replay : public RegistryServerTest {
protected:
    void SetUp() override {
        for (const auto& r : kConfluentLog) {
            store_.apply(r.key, r.value ? std::optional<std::string>(r.value) : std::nullopt);
        }
        start();
    }
};

TEST_F(Replay, SubjectsAndVersions) {
    EXPECT_EQ(get("/subjects").json(), Json::array({"other", "proto", "wow.first.subject"}));
    EXPECT_EQ(get("/subjects?deleted=true").json(),
              Json::array({"gone", "other", "proto", "wow.first.subject"}));
    EXPECT_EQ(get("/subjects/wow.first.subject/versions").json(), Json::array({1}));
    EXPECT_EQ(get("/subjects/wow.first.subject/versions?deleted=true").json(), Json::array({1, 2}));
    expect_error(get("/subjects/gone/versions"), 404, 40401);
    EXPECT_EQ(get("/subjects/gone/versions?deleted=true").json(), Json::array({2}));
    expect_error(get("/subjects/tmp/versions?deleted=true"), 404, 40401);
    expect_error(get("/subjects/broken/versions?deleted=true"), 404, 40401);
}

TEST_F(Replay, IdsAndSchemas) {
    const auto first = get("/subjects/wow.first.subject/versions/1").json();
    EXPECT_EQ(first["id"], 1);
    EXPECT_EQ(get("/subjects/other/versions/1").json()["id"], 1);
    EXPECT_EQ(get("/schemas/ids/1/subjects").json(), Json::array({"other", "wow.first.subject"}));
    EXPECT_EQ(get("/schemas/ids/2").json()["schema"],
              "\"string\"");                          // soft-deleted, still readable
    expect_error(get("/schemas/ids/3"), 404, 40403);  // every use hard-deleted
    expect_error(get("/schemas/ids/6"), 404, 40403);
    const auto proto = get("/schemas/ids/5").json();
    EXPECT_EQ(proto["schemaType"], "PROTOBUF");
    EXPECT_EQ(get("/subjects/proto/versions/latest").json()["schemaType"], "PROTOBUF");
}

TEST_F(Replay, ConfigAndMode) {
    EXPECT_EQ(get("/config").json()["compatibilityLevel"], "NONE");
    EXPECT_EQ(get("/config/other").json()["compatibilityLevel"], "FULL");
    expect_error(get("/config/tmp"), 404, 40408);
    EXPECT_EQ(get("/mode/proto").json()["mode"], "READONLY");
    EXPECT_EQ(get("/mode").json()["mode"], "READWRITE");
    expect_error(
        post("/subjects/proto/versions", schema_body("message N { int32 b = 1; }", "PROTOBUF")),
        422, 42205);
}

TEST_F(Replay, NewWritesContinueIdsAndVersions) {
    // max id seen is 6 (even though hard-deleted): the next new schema gets 7.
    EXPECT_EQ(register_schema("wow.first.subject", "\"double\""), 7);
    EXPECT_EQ(get("/subjects/wow.first.subject/versions").json(), Json::array({1, 3}));
    // an existing schema anywhere keeps its id
    EXPECT_EQ(register_schema("fresh", "\"string\""), 2);
    // lookup of a Confluent-written schema by its exact text and by a reformatted text
    const auto lookup = post(
        "/subjects/other",
        schema_body(
            R"({"type": "record", "name": "First", "fields": [{"name": "a", "type": "string"}]})"));
    EXPECT_EQ(lookup.status, 200) << lookup.body;
    EXPECT_EQ(lookup.json()["id"], 1);
    EXPECT_EQ(register_schema("gone", "\"float\""), 8);
    EXPECT_EQ(get("/subjects/gone/versions").json(), Json::array({3}));
}

TEST_F(Replay, CountsSkippedRecords) {
    const auto skipped = store_.read([](const StoreState& s) { return s.records_skipped; });
    EXPECT_EQ(skipped, 4);  // CONTEXT, ASSOC, garbage, broken SCHEMA value
}

}  // namespace
}  // namespace orderflow::registry::testing
