// Hostile input against the real `orderflow registry` process: schemas and bodies nested far
// beyond the limits are answered 4xx and the process keeps serving; records it cannot parse,
// written straight into `_schemas`, are logged and skipped at every start; a write without a
// JSON Content-Type is refused.
#include "registry_process.h"
#include "schemas_records.h"
#include "support/raw_http.h"

namespace orderflow::registry::testing {
namespace {

std::string nested_arrays(int depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

std::string typed_schema_body(const std::string& schema, const std::string& type) {
    Json body;
    body["schema"] = schema;
    body["schemaType"] = type;
    return body.dump();
}

int error_code(const RegistryProcess::Reply& reply) {
    return Json::parse(reply.body).at("error_code").get<int>();
}

void expect_still_serving(RegistryProcess& registry) {
    EXPECT_TRUE(registry.process().running()) << registry.process().output();
    const auto health = registry.request("GET", "/health");
    EXPECT_EQ(health.status, 200) << health.body;
}

TEST(RegistryHostileInput, JsonSchemaNested200000LevelsIsRefused) {
    RegistryProcess registry{RegistryNames{}};
    const auto body = typed_schema_body(nested_arrays(200000), "JSON");
    ASSERT_GT(body.size(), 400000u);
    const auto reply = registry.request("POST", "/subjects/deep/versions", body);
    EXPECT_EQ(reply.status, 422) << reply.body;
    EXPECT_EQ(error_code(reply), 42201);
    expect_still_serving(registry);
    EXPECT_EQ(registry.request("GET", "/subjects").body, "[]");
}

TEST(RegistryHostileInput, AvroSchemaNestedDeeplyIsRefused) {
    RegistryProcess registry{RegistryNames{}};
    // Records in unions, 60 levels: beyond the type bound (100), within the JSON one (256).
    std::string records = R"("int")";
    for (int i = 0; i < 60; ++i) {
        records = R"({"type":"record","name":"R)" + std::to_string(i) +
                  R"(","fields":[{"name":"n","type":["null",)" + records + "]}]}";
    }
    for (const auto& schema : {records, nested_arrays(200000)}) {
        const auto reply = registry.request("POST", "/subjects/deep/versions", schema_body(schema));
        EXPECT_EQ(reply.status, 422) << reply.body.substr(0, 300);
        EXPECT_EQ(error_code(reply), 42201);
        EXPECT_NE(reply.body.find("nesting depth exceeds"), std::string::npos);
    }
    expect_still_serving(registry);
    EXPECT_EQ(registry.request("POST", "/subjects/deep/versions", schema_body("\"int\"")).status,
              200);
}

TEST(RegistryHostileInput, RequestBodyNestedBeyondTheLimitIs400) {
    RegistryProcess registry{RegistryNames{}};
    std::string metadata = "{}";
    for (int i = 0; i < 100; ++i) {
        metadata = R"({"a":)" + metadata + "}";
    }
    const auto body = R"({"schema":"\"int\"","metadata":)" + metadata + "}";
    const auto reply = registry.request("POST", "/subjects/s/versions", body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(error_code(reply), 400);
    EXPECT_EQ(registry.request("POST", "/subjects/s/versions", nested_arrays(200000)).status, 400);
    expect_still_serving(registry);
}

TEST(RegistryHostileInput, WritesNeedAJsonContentType) {
    RegistryProcess registry{RegistryNames{}};
    const auto post = [&](const std::string& subject, const std::string& content_type) {
        const auto body = schema_body("\"string\"");
        test::RawConnection connection(registry.port());
        connection.send("POST /subjects/" + subject + "/versions HTTP/1.1\r\nHost: x\r\n" +
                        content_type + "Content-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body);
        const auto reply = connection.read_reply(std::chrono::seconds(60));
        return reply ? *reply : test::RawReply{};
    };
    for (const char* refused : {"", "Content-Type: text/plain\r\n"}) {
        const auto reply = post("refused", refused);
        EXPECT_EQ(reply.status, 415) << refused << reply.body;
        EXPECT_EQ(Json::parse(reply.body).at("error_code"), 415) << reply.body;
    }
    int n = 0;
    for (const char* accepted :
         {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
          "application/json", "application/octet-stream"}) {
        const auto reply =
            post("s" + std::to_string(n++), std::string("Content-Type: ") + accepted + "\r\n");
        EXPECT_EQ(reply.status, 200) << accepted << ": " << reply.body;
    }
    EXPECT_EQ(registry.request("GET", "/subjects").body, R"(["s0","s1","s2","s3"])");
}

TEST(RegistryHostileInput, UnparsableSchemasRecordsAreLoggedAndSkippedAtEveryStart) {
    RegistryNames names;
    const auto schema_key = [](const std::string& subject) {
        return R"({"keytype":"SCHEMA","subject":")" + subject + R"(","version":1,"magic":1})";
    };
    const auto schema_value = [](const std::string& subject, int id, const std::string& schema) {
        return Json{{"subject", subject},
                    {"version", 1},
                    {"id", id},
                    {"schema", schema},
                    {"deleted", false}}
            .dump();
    };
    Json deep_json_schema = Json::parse(schema_value("deep", 3, nested_arrays(200000)));
    deep_json_schema["schemaType"] = "JSON";
    produce(names.topic,
            {{schema_key("before"), schema_value("before", 1, "\"int\"")},
             {nested_arrays(200000), schema_value("x", 7, "\"int\"")},         // offset 1
             {schema_key("x"), nested_arrays(200000)},                         // offset 2
             {schema_key("x"), "{\"id\":"},                                    // offset 3
             {schema_key("x"), R"({"id":"seven","schema":[]})"},               // offset 4
             {schema_key("x"), std::string(500000, '{')},                      // offset 5
             {schema_key("deep"), deep_json_schema.dump()},                    // offset 6
             {schema_key("after"), schema_value("after", 2, "\"string\"")}});  // offset 7
    for (int start = 0; start < 2; ++start) {
        RegistryProcess registry(names);
        EXPECT_EQ(
            registry.request("GET", "/subjects").body,
            start == 0 ? R"(["after","before","deep"])" : R"(["after","before","deep","next0"])");
        EXPECT_EQ(registry.request("GET", "/schemas/ids/1").body, R"({"schema":"\"int\""})");
        EXPECT_EQ(registry.request("GET", "/schemas/ids/2").body, R"({"schema":"\"string\""})");
        // Kept as text, as any schema that does not parse here; never parsed again.
        EXPECT_EQ(registry.request("GET", "/schemas/ids/3").status, 200);
        EXPECT_EQ(registry.request("GET", "/subjects/x/versions").status, 404);
        const auto output = registry.process().output();
        for (int offset = 1; offset <= 5; ++offset) {
            const auto where = names.topic + " [0] offset " + std::to_string(offset) + ":";
            EXPECT_NE(output.find(where + " skipping malformed record"), std::string::npos)
                << where << "\n"
                << output.substr(0, 5000);
        }
        // A write after the skipped records lands and gets the next id.
        const auto reply =
            registry.request("POST", "/subjects/next" + std::to_string(start) + "/versions",
                             schema_body(R"("bytes")"));
        EXPECT_EQ(reply.status, 200) << reply.body;
    }  // SIGTERM: the next start replays the same records
}

}  // namespace
}  // namespace orderflow::registry::testing
