// The calls kafka-ui (kafbat, and provectus's older ones) makes to a schema registry, in the order
// a user triggers them: start-up validation, the Schema Registry tab (list, view, edit config,
// check, register, delete) and message decoding with Confluent's Java client. Each answer is
// asserted in Confluent 7.x's shape, status and error code, since kafka-ui parses them as such.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

using KafkaUiSequence = RegistryServerTest;

// kafka-ui's own WebClient asks for plain JSON; Confluent's Java client (decoding) for its types.
const httplib::Headers kKafkaUi{{"Accept", "application/json"}};
const httplib::Headers kJavaClient{
    {"Accept",
     "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, "
     "application/json; qs=0.5"}};

const std::string kOrderV1 =
    R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"}]})";
const std::string kOrderV2 =
    R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"note","type":"string","default":""}]})";
const std::string kOrderBreaking =
    R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]})";

class KafkaUiCalls : public KafkaUiSequence {
protected:
    Reply ui_get(const std::string& path) { return get(path, kKafkaUi); }
    Reply ui_post(const std::string& path, const std::string& body) {
        return post(path, body, "application/json", kKafkaUi);
    }
    // kafka-ui's register body: schema, schemaType, and no references.
    static std::string ui_schema(const std::string& schema) {
        return Json({{"schema", schema}, {"schemaType", "AVRO"}}).dump();
    }
    static void expect_not_found(const Reply& reply, int code) {
        // kafka-ui tells "absent" from "broken" by the HTTP status alone.
        EXPECT_EQ(reply.status, 404) << reply.body;
        EXPECT_EQ(reply.json().at("error_code"), code) << reply.body;
    }
};

TEST_F(KafkaUiCalls, StartUpValidatesTheRegistryWithAndWithoutTrailingSlash) {
    for (const char* path : {"/config", "/config/"}) {
        const auto reply = ui_get(path);
        EXPECT_EQ(reply.status, 200) << path;
        EXPECT_EQ(reply.json(), Json({{"compatibilityLevel", "BACKWARD"}})) << path;
        // Spring's JSON decoder reads application/json; the Java client prefers Confluent's v1.
        EXPECT_EQ(reply.content_type, "application/json") << path;
        EXPECT_EQ(get(path, kJavaClient).content_type, kV1) << path;
    }
    EXPECT_EQ(ui_get("/subjects?deleted=false").json(), Json::array());
}

TEST_F(KafkaUiCalls, SchemaRegistryTabAndMessageDecoding) {
    // Create a subject from the tab: check first (no subject yet: Confluent says compatible).
    auto check = ui_post("/compatibility/subjects/orders-value/versions/latest?verbose=true",
                         ui_schema(kOrderV1));
    EXPECT_EQ(check.status, 200) << check.body;
    EXPECT_EQ(check.json().at("is_compatible"), true);
    auto reg = ui_post("/subjects/orders-value/versions", ui_schema(kOrderV1));
    ASSERT_EQ(reg.status, 200) << reg.body;
    EXPECT_EQ(reg.json(), Json({{"id", 1}}));

    // The list and the subject's page.
    EXPECT_EQ(ui_get("/subjects?deleted=false").json(), Json::array({"orders-value"}));
    EXPECT_EQ(ui_get("/subjects/orders-value/versions").json(), Json::array({1}));
    for (const char* v : {"latest", "1"}) {
        const auto version =
            ui_get(std::string("/subjects/orders-value/versions/") + v + "?deleted=false");
        ASSERT_EQ(version.status, 200) << version.body;
        const auto json = version.json();
        EXPECT_EQ(json.at("subject"), "orders-value");
        EXPECT_EQ(json.at("version"), 1);
        EXPECT_EQ(json.at("id"), 1);
        EXPECT_EQ(Json::parse(json.at("schema").get<std::string>())["name"], "Order");
        // 7.x leaves schemaType out for AVRO; kafka-ui reads a missing one as AVRO.
        EXPECT_FALSE(json.contains("schemaType")) << version.body;
    }
    EXPECT_EQ(ui_get("/config/orders-value?defaultToGlobal=true").json(),
              Json({{"compatibilityLevel", "BACKWARD"}}));

    // Decoding a message: the Java client's two calls for writer id 1.
    const auto by_id = get("/schemas/ids/1?fetchMaxId=false&subject=orders-value", kJavaClient);
    ASSERT_EQ(by_id.status, 200) << by_id.body;
    EXPECT_EQ(by_id.json().at("schema"),
              ui_get("/subjects/orders-value/versions/1").json().at("schema"));
    EXPECT_FALSE(by_id.json().contains("maxId")) << "fetchMaxId=false";
    EXPECT_EQ(get("/schemas/ids/1/versions?deleted=false", kJavaClient).json(),
              Json::parse(R"([{"subject":"orders-value","version":1}])"));

    // Edit compatibility of the subject, then the global level.
    auto put_subject =
        put("/config/orders-value", R"({"compatibility":"FULL"})", "application/json");
    EXPECT_EQ(put_subject.status, 200) << put_subject.body;
    EXPECT_EQ(put_subject.json(), Json({{"compatibility", "FULL"}}));
    EXPECT_EQ(ui_get("/config/orders-value?defaultToGlobal=true").json(),
              Json({{"compatibilityLevel", "FULL"}}));
    auto put_global = put("/config", R"({"compatibility":"FORWARD"})", "application/json");
    EXPECT_EQ(put_global.json(), Json({{"compatibility", "FORWARD"}}));
    EXPECT_EQ(ui_get("/config").json(), Json({{"compatibilityLevel", "FORWARD"}}));

    // Check, with verbose=true, a breaking and a compatible new version under FULL.
    check = ui_post("/compatibility/subjects/orders-value/versions/latest?verbose=true",
                    ui_schema(kOrderBreaking));
    EXPECT_EQ(check.status, 200) << check.body;
    EXPECT_EQ(check.json().at("is_compatible"), false);
    ASSERT_TRUE(check.json().at("messages").is_array()) << check.body;
    EXPECT_FALSE(check.json().at("messages").empty());
    check = ui_post("/compatibility/subjects/orders-value/versions/latest?verbose=true",
                    ui_schema(kOrderV2));
    EXPECT_EQ(check.json().at("is_compatible"), true) << check.body;
    if (check.json().contains("messages")) {
        EXPECT_EQ(check.json().at("messages"), Json::array()) << check.body;
    }
    reg = ui_post("/subjects/orders-value/versions", ui_schema(kOrderV2));
    ASSERT_EQ(reg.status, 200) << reg.body;
    EXPECT_EQ(reg.json(), Json({{"id", 2}}));
    EXPECT_EQ(ui_get("/subjects/orders-value/versions").json(), Json::array({1, 2}));
    EXPECT_EQ(ui_get("/subjects/orders-value/versions/latest?deleted=false").json().at("id"), 2);

    // Deletes: one version (bare number), the subject's config (the level it had), the subject
    // (the versions it had left).
    auto deleted = del("/subjects/orders-value/versions/2");
    EXPECT_EQ(deleted.status, 200) << deleted.body;
    EXPECT_EQ(deleted.json(), Json(2));
    EXPECT_EQ(ui_get("/subjects/orders-value/versions").json(), Json::array({1}));
    deleted = del("/config/orders-value");
    EXPECT_EQ(deleted.json(), Json({{"compatibilityLevel", "FULL"}}));
    EXPECT_EQ(ui_get("/config/orders-value?defaultToGlobal=true").json(),
              Json({{"compatibilityLevel", "FORWARD"}}));
    deleted = del("/subjects/orders-value");
    EXPECT_EQ(deleted.status, 200) << deleted.body;
    EXPECT_EQ(deleted.json(), Json::array({1}));
    EXPECT_EQ(ui_get("/subjects?deleted=false").json(), Json::array());

    // Messages written earlier still decode: ids outlive a soft delete.
    EXPECT_EQ(get("/schemas/ids/1?fetchMaxId=false&subject=orders-value", kJavaClient).status, 200);
    EXPECT_EQ(get("/schemas/ids/2/versions?deleted=false", kJavaClient).json(), Json::array());
}

TEST_F(KafkaUiCalls, AbsentThingsAreRealNotFounds) {
    expect_not_found(ui_get("/subjects/nope/versions"), 40401);
    expect_not_found(ui_get("/subjects/nope/versions/latest?deleted=false"), 40401);
    register_schema("orders-value", kOrderV1);
    expect_not_found(ui_get("/subjects/orders-value/versions/7?deleted=false"), 40402);
    expect_not_found(get("/schemas/ids/99?fetchMaxId=false&subject=orders-value", kJavaClient),
                     40403);
    expect_not_found(get("/schemas/ids/99/versions?deleted=false", kJavaClient), 40403);
    // No subject-level config: the fallback to the global level, as kafka-ui asks for it.
    expect_not_found(ui_get("/config/orders-value"), 40408);
    EXPECT_EQ(ui_get("/config/orders-value?defaultToGlobal=true").json(),
              Json({{"compatibilityLevel", "BACKWARD"}}));
    expect_not_found(del("/subjects/nope"), 40401);
    expect_not_found(del("/subjects/orders-value/versions/5"), 40402);
}

}  // namespace
}  // namespace orderflow::registry::testing
