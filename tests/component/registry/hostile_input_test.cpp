// Hostile input against the real HTTP server and store: nesting beyond the limits in request
// bodies, schema texts and `_schemas` records is refused or skipped, never a crash; writes
// without a JSON Content-Type are refused (a web page could send them without a preflight).
#include "registry/json_limits.h"
#include "registry_fixture.h"
#include "support/raw_http.h"

namespace orderflow::registry::testing {
namespace {

std::string nested_arrays(int depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

// {"a":{"a":...{}...}} with `depth` objects.
std::string nested_objects(int depth) {
    std::string text;
    for (int i = 1; i < depth; ++i) {
        text += R"({"a":)";
    }
    return text + "{}" + std::string(depth - 1, '}');
}

TEST(JsonDepth, CountsContainersOutsideStrings) {
    EXPECT_NO_THROW(check_json_depth(nested_arrays(3), 3));
    EXPECT_THROW(check_json_depth(nested_arrays(4), 3), JsonTooDeep);
    EXPECT_THROW(check_json_depth(nested_objects(4), 3), JsonTooDeep);
    // Brackets inside strings, escaped quotes included, do not nest.
    EXPECT_NO_THROW(check_json_depth(R"(["[[[[\"[[[[", "{{{{"])", 1));
    EXPECT_THROW(check_json_depth(R"(["\\", [[]]])", 2), JsonTooDeep);
    // Siblings do not add up; malformed text is left to the parser.
    EXPECT_NO_THROW(check_json_depth("[[],[],[[]]]", 3));
    EXPECT_NO_THROW(check_json_depth("]]]]{", 1));
}

class HostileInput : public RegistryServerTest {
protected:
    Reply raw_send(const std::string& target,
                   const std::string& extra_headers,
                   const std::string& body,
                   const std::string& method = "POST") {
        test::RawConnection connection(server_->port());
        connection.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        const auto reply = connection.read_reply(std::chrono::seconds(10));
        EXPECT_TRUE(reply) << "no answer";
        return reply ? Reply{reply->status, reply->body, reply->header("Content-Type")} : Reply{};
    }
};

TEST_F(HostileInput, JsonSchemaNestedDeeplyIs42201) {
    const auto reply = post("/subjects/deep/versions", schema_body(nested_arrays(200000), "JSON"));
    expect_error(reply, 422, 42201);
    EXPECT_NE(reply.body.find("nesting depth exceeds 256"), std::string::npos) << reply.body;
    EXPECT_EQ(register_schema("deep", nested_objects(100), "JSON"), 1);
}

TEST_F(HostileInput, AvroSchemaNestedDeeplyIs42201) {
    std::string arrays = R"("int")";
    for (int i = 0; i < 150; ++i) {
        arrays = R"({"type":"array","items":)" + arrays + "}";
    }
    const auto reply = post("/subjects/deep/versions", schema_body(arrays));
    expect_error(reply, 422, 42201);
    EXPECT_NE(reply.body.find("Schema nesting depth exceeds 100"), std::string::npos) << reply.body;
    expect_error(post("/subjects/deep/versions", schema_body(nested_arrays(200000))), 422, 42201);
    expect_error(post("/compatibility/subjects/deep/versions/latest", schema_body(arrays)), 422,
                 42201);
}

TEST_F(HostileInput, ReferenceChainsAreBounded) {
    // Subject c<k> references c<k-1>; the types do not use each other, only the chain grows.
    int refused_at = 0;
    for (int k = 0; k <= 110 && refused_at == 0; ++k) {
        const auto type = R"({"type":"record","name":"T)" + std::to_string(k) + R"(","fields":[]})";
        auto references = Json::array();
        if (k > 0) {
            references.push_back(
                {{"name", "r"}, {"subject", "c" + std::to_string(k - 1)}, {"version", 1}});
        }
        const auto reply = post("/subjects/c" + std::to_string(k) + "/versions",
                                schema_body(type, "AVRO", references));
        if (reply.status != 200) {
            expect_error(reply, 422, 42201);
            EXPECT_NE(reply.body.find("references nest deeper than 100"), std::string::npos)
                << reply.body;
            refused_at = k;
        }
    }
    EXPECT_EQ(refused_at, 101);
}

TEST_F(HostileInput, RequestBodyNestedBeyondTheLimitIs400) {
    Json body = Json::parse(schema_body("\"int\""));
    body["metadata"] = Json::parse(nested_objects(kMaxRequestJsonDepth - 1));
    EXPECT_EQ(post("/subjects/s/versions", body.dump()).status, 200);
    body["metadata"] = Json::parse(nested_objects(kMaxRequestJsonDepth));
    const auto reply = post("/subjects/s/versions", body.dump());
    expect_error(reply, 400, 400);
    EXPECT_NE(reply.body.find("nesting depth exceeds 64"), std::string::npos) << reply.body;
    expect_error(post("/subjects/s/versions", nested_arrays(200000)), 400, 400);
    expect_error(put("/config", nested_objects(100)), 400, 400);
    expect_error(post("/subjects/s", nested_arrays(100)), 400, 400);
    EXPECT_EQ(get("/subjects").body, R"(["s"])");
}

TEST_F(HostileInput, WritesWithoutAJsonContentTypeAre415) {
    const auto body = schema_body("\"string\"");
    expect_error(raw_send("/subjects/s/versions", "", body), 415, 415);
    expect_error(raw_send("/subjects/s/versions", "Content-Type: text/plain\r\n", body), 415, 415);
    expect_error(raw_send("/subjects/s/versions",
                          "Content-Type: application/x-www-form-urlencoded\r\n", body),
                 415, 415);
    expect_error(raw_send("/subjects/s", "", body), 415, 415);
    expect_error(raw_send("/compatibility/subjects/s/versions/latest", "", body), 415, 415);
    expect_error(raw_send("/config", "", R"({"compatibility":"NONE"})", "PUT"), 415, 415);
    EXPECT_EQ(get("/subjects").body, "[]");
    int subject = 0;
    for (const char* type :
         {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
          "application/json", "application/octet-stream", "application/json; charset=utf-8"}) {
        const auto reply = raw_send("/subjects/s" + std::to_string(subject++) + "/versions",
                                    std::string("Content-Type: ") + type + "\r\n", body);
        EXPECT_EQ(reply.status, 200) << type << ": " << reply.body;
    }
    EXPECT_EQ(get("/subjects").body, R"(["s0","s1","s2","s3","s4"])");
}

TEST_F(HostileInput, UnparsableRecordsAreSkipped) {
    const std::string good_key = R"({"keytype":"SCHEMA","subject":"good","version":1,"magic":1})";
    const std::string good_value =
        R"({"subject":"good","version":1,"id":1,"schema":"\"int\"","deleted":false})";
    EXPECT_FALSE(store_.apply(nested_arrays(200000), good_value, "t [0] offset 1"));
    EXPECT_FALSE(store_.apply(good_key, nested_arrays(200000), "t [0] offset 2"));
    EXPECT_FALSE(store_.apply(good_key, "{\"id\":", "t [0] offset 3"));
    EXPECT_FALSE(store_.apply(good_key, R"({"id":"one","schema":7})", "t [0] offset 4"));
    EXPECT_FALSE(store_.apply(std::string(1 << 20, '{'), std::nullopt, "t [0] offset 5"));
    // A schema text over the limits is kept as text, as any schema that does not parse here.
    Json deep_value = Json::parse(good_value);
    deep_value["id"] = 2;
    deep_value["subject"] = "deep";
    deep_value["schemaType"] = "JSON";
    deep_value["schema"] = nested_arrays(200000);
    EXPECT_TRUE(store_.apply(R"({"keytype":"SCHEMA","subject":"deep","version":1,"magic":1})",
                             deep_value.dump(), "t [0] offset 6"));
    EXPECT_TRUE(store_.apply(good_key, good_value, "t [0] offset 7"));
    EXPECT_EQ(get("/subjects").body, R"(["deep","good"])");
    EXPECT_EQ(get("/schemas/ids/1").body, R"({"schema":"\"int\""})");
    EXPECT_EQ(get("/schemas/ids/2").json().at("schema"), nested_arrays(200000));
    // A new version of the kept text is not compared with it (it has no parsed form).
    EXPECT_EQ(register_schema("deep", R"({"type":"object"})", "JSON"), 3);
}

}  // namespace
}  // namespace orderflow::registry::testing
