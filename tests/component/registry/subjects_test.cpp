// /subjects: register, versions, get, latest, /schema, referencedby, lookup, soft and permanent
// deletes, with Confluent's error codes.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

using Subjects = RegistryServerTest;

TEST_F(Subjects, RegisterReturnsIdAndSameSchemaKeepsIt) {
    const int id = register_schema("orders-value", record_schema("Order"));
    EXPECT_GE(id, 1);
    EXPECT_EQ(register_schema("orders-value", record_schema("Order")), id);
    EXPECT_EQ(get("/subjects/orders-value/versions").json(), Json::array({1}));
    const auto reply = post("/subjects/orders-value/versions", schema_body(record_schema("Order")));
    EXPECT_EQ(reply.json(), Json({{"id", id}}));
}

TEST_F(Subjects, WhitespaceDoesNotChangeTheSchemaAndCanonicalTextIsReturned) {
    const int id = register_schema("s", R"({ "type" : "string" })");
    EXPECT_EQ(register_schema("s", "\"string\""), id);
    EXPECT_EQ(get("/subjects/s/versions/1").json()["schema"], "\"string\"");
}

TEST_F(Subjects, SameSchemaUnderAnotherSubjectKeepsItsIdAndStartsAtVersion1) {
    const int id = register_schema("a", record_schema("Order"));
    const int other = register_schema("b", record_schema("Order"));
    EXPECT_EQ(other, id);
    const auto version = get("/subjects/b/versions/latest").json();
    EXPECT_EQ(version["version"], 1);
    const int next = register_schema("c", record_schema("Other"));
    EXPECT_EQ(next, id + 1);
}

TEST_F(Subjects, GetVersionLatestAndRawSchema) {
    const int id1 = register_schema("s", record_schema("Order"));
    const int id2 = register_schema(
        "s", record_schema("Order", R"(,{"name":"note","type":"string","default":""})"));
    const auto v1 = get("/subjects/s/versions/1").json();
    EXPECT_EQ(v1["subject"], "s");
    EXPECT_EQ(v1["version"], 1);
    EXPECT_EQ(v1["id"], id1);
    EXPECT_FALSE(v1.contains("schemaType"));  // 7.x shape: AVRO omitted
    EXPECT_FALSE(v1.contains("references"));
    const auto latest = get("/subjects/s/versions/latest").json();
    EXPECT_EQ(latest["version"], 2);
    EXPECT_EQ(latest["id"], id2);
    EXPECT_EQ(get("/subjects/s/versions/-1").json()["version"], 2);
    EXPECT_EQ(get("/subjects/s/versions/%20LATEST%20").json()["version"], 2);
    const auto raw = get("/subjects/s/versions/1/schema");
    EXPECT_EQ(raw.status, 200);
    EXPECT_EQ(Json::parse(raw.body)["name"], "Order");
    EXPECT_EQ(get("/subjects/s/versions").json(), Json::array({1, 2}));
}

TEST_F(Subjects, ListSubjectsSortedWithPrefix) {
    register_schema("zeta", "\"string\"");
    register_schema("alpha", "\"string\"");
    register_schema("alpine", "\"int\"");
    EXPECT_EQ(get("/subjects").json(), Json::array({"alpha", "alpine", "zeta"}));
    EXPECT_EQ(get("/subjects?subjectPrefix=alp").json(), Json::array({"alpha", "alpine"}));
    EXPECT_EQ(get("/subjects?offset=1&limit=1").json(), Json::array({"alpine"}));
}

TEST_F(Subjects, UnknownSubjectAndVersionErrors) {
    expect_error(get("/subjects/nope/versions"), 404, 40401);
    expect_error(get("/subjects/nope/versions/1"), 404, 40401);
    expect_error(get("/subjects/nope/versions/latest"), 404, 40401);
    register_schema("s", "\"string\"");
    expect_error(get("/subjects/s/versions/2"), 404, 40402);
    expect_error(get("/subjects/s/versions/2/schema"), 404, 40402);
    EXPECT_EQ(get("/subjects/s/versions/2").json()["message"], "Version 2 not found.");
    EXPECT_EQ(get("/subjects/nope/versions").json()["message"], "Subject 'nope' not found.");
}

TEST_F(Subjects, InvalidVersionsAre42202) {
    register_schema("s", "\"string\"");
    for (const auto* v : {"0", "-2", "earliest", "invalid", "2147483648", "1.5"}) {
        expect_error(get(std::string("/subjects/s/versions/") + v), 422, 42202);
    }
    expect_error(del("/subjects/s/versions/0"), 422, 42202);
    EXPECT_NE(get("/subjects/s/versions/earliest")
                  .json()["message"]
                  .get<std::string>()
                  .find("is not a valid version id"),
              std::string::npos);
}

TEST_F(Subjects, InvalidSchemasAre42201) {
    expect_error(post("/subjects/s/versions", schema_body("{\"type\":\"nope\"}")), 422, 42201);
    expect_error(post("/subjects/s/versions", schema_body("not json at all")), 422, 42201);
    expect_error(
        post(
            "/subjects/s/versions",
            schema_body(
                R"({"type":"record","name":"R","fields":[{"name":"f","type":"string","default":null}]})")),
        422, 42201);
    expect_error(post("/subjects/s/versions", schema_body("\"string\"", "XML")), 422, 42201);
    expect_error(post("/subjects/s/versions", R"({"schemaType":"AVRO"})"), 422, 42201);
    expect_error(post("/subjects/s/versions", schema_body("")), 422, 42201);
    EXPECT_EQ(get("/subjects").json(), Json::array());
}

TEST_F(Subjects, LookupFindsTheVersionOrSaysWhy) {
    const int id = register_schema("s", record_schema("Order"));
    const auto found =
        post("/subjects/s?normalize=False&deleted=False", schema_body(record_schema("Order")));
    EXPECT_EQ(found.status, 200);
    EXPECT_EQ(found.json()["id"], id);
    EXPECT_EQ(found.json()["version"], 1);
    EXPECT_EQ(found.json()["subject"], "s");
    EXPECT_EQ(found.json()["schema"], get("/subjects/s/versions/1").json()["schema"]);
    expect_error(post("/subjects/s", schema_body(record_schema("Other"))), 404, 40403);
    expect_error(post("/subjects/nope", schema_body(record_schema("Order"))), 404, 40401);
    expect_error(post("/subjects/s", schema_body("{bad")), 422, 42201);
}

TEST_F(Subjects, SoftDeleteVersionHidesItButKeepsTheId) {
    const int id1 = register_schema("s", record_schema("Order"));
    register_schema("s", record_schema("Order", R"(,{"name":"n","type":"int","default":0})"));
    const auto deleted = del("/subjects/s/versions/1");
    EXPECT_EQ(deleted.status, 200);
    EXPECT_EQ(deleted.body, "1");
    EXPECT_EQ(get("/subjects/s/versions").json(), Json::array({2}));
    EXPECT_EQ(get("/subjects/s/versions?deleted=true").json(), Json::array({1, 2}));
    expect_error(get("/subjects/s/versions/1"), 404, 40402);
    EXPECT_EQ(get("/subjects/s/versions/1?deleted=true").json()["id"], id1);
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(id1)).status, 200);
    expect_error(post("/subjects/s", schema_body(record_schema("Order"))), 404, 40403);
    EXPECT_EQ(
        post("/subjects/s?deleted=true", schema_body(record_schema("Order"))).json()["version"], 1);
    expect_error(del("/subjects/s/versions/1"), 404, 40406);
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(id1) + "/versions").json(), Json::array());
}

TEST_F(Subjects, PermanentDeleteNeedsSoftDeleteFirst) {
    put("/config", R"({"compatibility":"NONE"})");
    register_schema("s", "\"string\"");
    register_schema("s", "\"int\"");
    expect_error(del("/subjects/s/versions/1?permanent=true"), 404, 40407);
    EXPECT_EQ(del("/subjects/s/versions/1").status, 200);
    EXPECT_EQ(del("/subjects/s/versions/1?permanent=true").body, "1");
    expect_error(get("/subjects/s/versions/1?deleted=true"), 404, 40402);
    expect_error(del("/subjects/s/versions/1"), 404, 40402);
    expect_error(del("/subjects/nope/versions/1"), 404, 40401);
}

TEST_F(Subjects, SoftDeleteSubjectThenPermanent) {
    put("/config", R"({"compatibility":"NONE"})");
    register_schema("s", "\"string\"");
    register_schema("s", "\"int\"");
    expect_error(del("/subjects/s?permanent=true"), 404, 40405);
    const auto soft = del("/subjects/s");
    EXPECT_EQ(soft.status, 200);
    EXPECT_EQ(soft.json(), Json::array({1, 2}));
    EXPECT_EQ(get("/subjects").json(), Json::array());
    EXPECT_EQ(get("/subjects?deleted=true").json(), Json::array({"s"}));
    EXPECT_EQ(get("/subjects?deletedOnly=true").json(), Json::array({"s"}));
    expect_error(get("/subjects/s/versions"), 404, 40401);
    expect_error(get("/subjects/s/versions/latest"), 404, 40401);
    expect_error(del("/subjects/s"), 404, 40404);
    EXPECT_EQ(get("/subjects/s/versions/1?deleted=true").status, 200);
    // Versions continue after a soft delete.
    register_schema("s", "\"long\"");
    EXPECT_EQ(get("/subjects/s/versions").json(), Json::array({3}));
    EXPECT_EQ(del("/subjects/s").json(), Json::array({3}));
    EXPECT_EQ(del("/subjects/s?permanent=true").json(), Json::array({1, 2, 3}));
    expect_error(del("/subjects/s"), 404, 40401);
    expect_error(del("/subjects/s?permanent=true"), 404, 40401);
    // ... and restart at 1 once everything was hard-deleted.
    register_schema("s", "\"string\"");
    EXPECT_EQ(get("/subjects/s/versions").json(), Json::array({1}));
}

TEST_F(Subjects, ReRegisteringASoftDeletedSchemaReusesItsId) {
    const int id = register_schema("s", record_schema("Order"));
    del("/subjects/s");
    EXPECT_EQ(register_schema("s", record_schema("Order")), id);
    EXPECT_EQ(get("/subjects/s/versions").json(), Json::array({2}));
}

TEST_F(Subjects, ExplicitVersionMustBeNext) {
    put("/config", R"({"compatibility":"NONE"})");
    register_schema("s", "\"string\"");
    Json body;
    body["schema"] = "\"int\"";
    body["version"] = 5;
    expect_error(post("/subjects/s/versions", body.dump()), 422, 42201);
    body["version"] = 2;
    EXPECT_EQ(post("/subjects/s/versions", body.dump()).status, 200);
}

TEST_F(Subjects, IdOutsideImportModeIs42205) {
    Json body;
    body["schema"] = "\"int\"";
    body["id"] = 100;
    expect_error(post("/subjects/s/versions", body.dump()), 422, 42205);
}

TEST_F(Subjects, ReferencesResolveAndAreListedByReferencedby) {
    const auto customer =
        R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"name","type":"string"}]})";
    const int customer_id = register_schema("customer", customer);
    const auto order =
        R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"customer","type":"com.acme.Customer"}]})";
    const Json refs =
        Json::array({{{"name", "com.acme.Customer"}, {"subject", "customer"}, {"version", 1}}});
    const auto reply = post("/subjects/order/versions", schema_body(order, "AVRO", refs));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const int order_id = reply.json()["id"];
    EXPECT_NE(order_id, customer_id);
    const auto version = get("/subjects/order/versions/1").json();
    EXPECT_EQ(version["references"], refs);
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(order_id)).json()["references"], refs);
    EXPECT_EQ(get("/subjects/customer/versions/1/referencedby").json(), Json::array({order_id}));
    expect_error(del("/subjects/customer/versions/1"), 422, 42206);
    expect_error(del("/subjects/customer"), 422, 42206);
    const Json missing =
        Json::array({{{"name", "com.acme.X"}, {"subject", "nope"}, {"version", 1}}});
    expect_error(post("/subjects/o2/versions", schema_body(order, "AVRO", missing)), 422, 42201);
    expect_error(get("/subjects/customer/versions/9/referencedby"), 404, 40402);
}

TEST_F(Subjects, JsonAndProtobufSchemasAreValidatedAndStored) {
    const int json_id =
        register_schema("j", R"({"type":"object","properties":{"a":{"type":"string"}}})", "JSON");
    const auto json_version = get("/subjects/j/versions/1").json();
    EXPECT_EQ(json_version["schemaType"], "JSON");
    EXPECT_EQ(get("/schemas/ids/" + std::to_string(json_id)).json()["schemaType"], "JSON");
    expect_error(post("/subjects/j/versions", schema_body("{\"type\":", "JSON")), 422, 42201);
    expect_error(post("/subjects/j/versions", schema_body("42", "JSON")), 422, 42201);
    const auto proto =
        "syntax = \"proto3\";\npackage acme;\nmessage Order {\n  string id = 1;\n}\n";
    const int proto_id = register_schema("p", proto, "PROTOBUF");
    EXPECT_EQ(get("/subjects/p/versions/1").json()["schemaType"], "PROTOBUF");
    EXPECT_NE(proto_id, json_id);
    expect_error(
        post("/subjects/p/versions", schema_body("message Order { string id = 1;", "PROTOBUF")),
        422, 42201);
    expect_error(post("/subjects/p/versions", schema_body("syntax = \"proto3\";", "PROTOBUF")), 422,
                 42201);
}

TEST_F(Subjects, RecordsAreWrittenInConfluentFormat) {
    register_schema("s", "\"string\"");
    del("/subjects/s/versions/1");
    register_schema("j", R"({"type":"object"})", "JSON");
    del("/subjects/j");
    put("/config/j", R"({"compatibility":"full"})");
    put("/mode", R"({"mode":"READONLY"})");
    const auto records = log_.records();
    ASSERT_EQ(records.size(), 6u);
    EXPECT_EQ(records[0].key, R"({"keytype":"SCHEMA","subject":"s","version":1,"magic":1})");
    EXPECT_EQ(*records[0].value,
              R"({"subject":"s","version":1,"id":1,"schema":"\"string\"","deleted":false})");
    EXPECT_EQ(*records[1].value,
              R"({"subject":"s","version":1,"id":1,"schema":"\"string\"","deleted":true})");
    EXPECT_EQ(
        *records[2].value,
        R"({"subject":"j","version":1,"id":2,"schemaType":"JSON","schema":"{\"type\":\"object\"}","deleted":false})");
    EXPECT_EQ(records[3].key, R"({"keytype":"DELETE_SUBJECT","subject":"j","magic":0})");
    EXPECT_EQ(*records[3].value, R"({"subject":"j","version":1})");
    EXPECT_EQ(records[4].key, R"({"keytype":"CONFIG","subject":"j","magic":0})");
    EXPECT_EQ(*records[4].value, R"({"compatibilityLevel":"FULL","subject":"j"})");
    EXPECT_EQ(records[5].key, R"({"keytype":"MODE","subject":null,"magic":0})");
    EXPECT_EQ(*records[5].value, R"({"mode":"READONLY"})");
}

}  // namespace
}  // namespace orderflow::registry::testing
