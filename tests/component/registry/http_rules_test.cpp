// Cross-cutting HTTP rules: content negotiation (406, 415), error bodies for unknown routes and
// wrong methods, trailing slashes, percent-encoded subjects, booleans, bad bodies.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

TEST(Negotiation, PicksTheBestResponseType) {
    EXPECT_EQ(negotiate_response_type(""), kV1);
    EXPECT_EQ(negotiate_response_type("*/*"), kV1);
    EXPECT_EQ(negotiate_response_type("*"), kV1);
    EXPECT_EQ(negotiate_response_type("application/*"), kV1);
    EXPECT_EQ(negotiate_response_type("application/json"), "application/json");
    EXPECT_EQ(negotiate_response_type("application/vnd.schemaregistry+json"),
              "application/vnd.schemaregistry+json");
    EXPECT_EQ(negotiate_response_type(
                  "application/json; q=0.9, application/vnd.schemaregistry+json; q=0.1"),
              "application/json");
    EXPECT_EQ(negotiate_response_type("text/html, application/json"), "application/json");
    EXPECT_EQ(negotiate_response_type("application/octet-stream"), "");
    EXPECT_EQ(negotiate_response_type("*/does_not_matter"), "");
    EXPECT_EQ(negotiate_response_type("text/plain"), "");
    EXPECT_EQ(negotiate_response_type("application/json;q=0"), "");
}

TEST(Negotiation, AcceptsJsonRequestTypes) {
    EXPECT_FALSE(acceptable_request_type(""));  // a missing type is refused
    EXPECT_TRUE(acceptable_request_type("application/json"));
    EXPECT_TRUE(acceptable_request_type("application/json; charset=utf-8"));
    EXPECT_TRUE(acceptable_request_type("Application/VND.schemaregistry.v1+json"));
    EXPECT_TRUE(acceptable_request_type("application/vnd.schemaregistry+json"));
    EXPECT_TRUE(acceptable_request_type("application/octet-stream"));
    EXPECT_FALSE(acceptable_request_type("text/plain"));
    EXPECT_FALSE(acceptable_request_type("application/xml"));
}

TEST(PathSplitting, DecodesOneSegmentAtATime) {
    EXPECT_EQ(split_path("/"), std::vector<std::string>{});
    EXPECT_EQ(split_path("/config/"), std::vector<std::string>{"config"});
    EXPECT_EQ(split_path("/subjects/a%2Fb/versions?x=1"),
              (std::vector<std::string>{"subjects", "a/b", "versions"}));
    EXPECT_EQ(split_path("/subjects/a%20b%ZZ"), (std::vector<std::string>{"subjects", "a b%ZZ"}));
}

using HttpRules = RegistryServerTest;

TEST_F(HttpRules, DefaultResponseTypeIsV1) {
    const auto reply = get("/subjects");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type, kV1);
    EXPECT_EQ(reply.body, "[]");
}

TEST_F(HttpRules, AcceptHeaderChoosesResponseType) {
    EXPECT_EQ(get("/subjects", {{"Accept", "application/json"}}).content_type, "application/json");
    EXPECT_EQ(get("/subjects", {{"Accept", "application/vnd.schemaregistry+json"}}).content_type,
              "application/vnd.schemaregistry+json");
    EXPECT_EQ(get("/subjects", {{"Accept", "*/*"}}).content_type, kV1);
}

TEST_F(HttpRules, ErrorsUseTheNegotiatedTypeOnce) {
    const auto result = client_->Get("/subjects/nope/versions", {{"Accept", "application/json"}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 404);
    EXPECT_EQ(result->get_header_value_count("Content-Type"), 1u);
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
}

TEST_F(HttpRules, UnacceptableAcceptIs406) {
    expect_error(get("/subjects", {{"Accept", "application/octet-stream"}}), 406, 406);
    expect_error(get("/subjects", {{"Accept", "text/html"}}), 406, 406);
}

TEST_F(HttpRules, UnsupportedContentTypeIs415) {
    expect_error(post("/subjects/s/versions", schema_body("\"string\""), "text/plain"), 415, 415);
    expect_error(put("/config", R"({"compatibility":"NONE"})", "application/xml"), 415, 415);
}

TEST_F(HttpRules, ContentTypeWithCharsetOrOctetStreamIsAccepted) {
    EXPECT_EQ(
        post("/subjects/s/versions", schema_body("\"string\""), "application/json; charset=utf-8")
            .status,
        200);
    EXPECT_EQ(
        post("/subjects/s2/versions", schema_body("\"int\""), "application/octet-stream").status,
        200);
}

TEST_F(HttpRules, ContentTypeOnGetIsIgnored) {
    EXPECT_EQ(get("/subjects", {{"Content-Type", "text/plain"}}).status, 200);
}

TEST_F(HttpRules, UnknownRouteIsConfluent404) {
    const auto reply = get("/no/such/route");
    expect_error(reply, 404, 404);
    EXPECT_EQ(reply.json()["message"], "HTTP 404 Not Found");
    expect_error(get("/subjects/a/versions/1/nope"), 404, 404);
}

TEST_F(HttpRules, WrongMethodIsConfluent405) {
    expect_error(put("/subjects", "{}"), 405, 405);
    expect_error(del("/schemas/types"), 405, 405);
    expect_error(post("/subjects/s/versions/1", "{}"), 405, 405);
    expect_error(to_reply(client_->Patch("/config", "{}", kV1)), 405, 405);
    expect_error(to_reply(client_->Options("/subjects")), 405, 405);
}

TEST_F(HttpRules, TrailingSlashIsIgnored) {
    EXPECT_EQ(get("/config/").status, 200);
    EXPECT_EQ(get("/subjects/").status, 200);
    register_schema("trail", "\"string\"");
    EXPECT_EQ(post("/compatibility/subjects/trail/versions/", schema_body("\"string\"")).status,
              200);
}

TEST_F(HttpRules, PercentEncodedSubjectsKeepSlashesAndSpecials) {
    const int id = register_schema("test_sche%2Fma_lifecycle", "\"string\"");
    EXPECT_EQ(get("/subjects").json(), Json::array({"test_sche/ma_lifecycle"}));
    const auto reply = get("/subjects/test_sche%2Fma_lifecycle/versions/1");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.json()["subject"], "test_sche/ma_lifecycle");
    EXPECT_EQ(reply.json()["id"], id);
    register_schema("q%22%7B%3A%7D%27", "\"int\"");
    EXPECT_EQ(get("/subjects/q%22%7B%3A%7D%27/versions").json(), Json::array({1}));
}

TEST_F(HttpRules, BooleanQueryParametersAreCaseInsensitive) {
    register_schema("b", "\"string\"");
    EXPECT_EQ(del("/subjects/b").status, 200);
    EXPECT_EQ(get("/subjects?deleted=True").json(), Json::array({"b"}));
    EXPECT_EQ(get("/subjects?deleted=TRUE").json(), Json::array({"b"}));
    EXPECT_EQ(get("/subjects?deleted=False").json(), Json::array());
    EXPECT_EQ(get("/subjects?deleted=garbage&limit=-1&offset=0&unknown=1").json(), Json::array());
    EXPECT_EQ(post("/subjects/c/versions?normalize=False", schema_body("\"string\"")).status, 200);
}

TEST_F(HttpRules, MalformedJsonIs400) {
    expect_error(post("/subjects/s/versions", "{not json"), 400, 400);
    expect_error(put("/config", "{\"compatibility\":"), 400, 400);
}

TEST_F(HttpRules, WrongBodyShapeIs422) {
    expect_error(post("/subjects/s/versions", "[1,2]"), 422, 422);
    expect_error(post("/subjects/s/versions", R"({"schema": 5})"), 422, 422);
    expect_error(post("/subjects/s/versions", R"({"schema":"\"int\"","references":"x"})"), 422,
                 422);
    expect_error(post("/subjects/s/versions", ""), 422, 422);
}

TEST_F(HttpRules, HugeBodyIs413) {
    const std::string huge(2 << 20, 'x');
    expect_error(post("/subjects/s/versions", huge), 413, 413);
    EXPECT_EQ(get("/subjects").status, 200);  // and the server is still there
}

TEST_F(HttpRules, UnknownFieldsAndHeadersAreIgnored) {
    Json body;
    body["schema"] = "\"string\"";
    body["metadata"] = {{"properties", {{"owner", "x"}}}};
    body["ruleSet"] = {{"domainRules", Json::array()}};
    body["schemaTagsToAdd"] = Json::array();
    const auto reply = post("/subjects/s/versions", body.dump(), kV1,
                            {{"Confluent-Accept-Unknown-Properties", "true"},
                             {"Confluent-Client-Version", "python/2.6"},
                             {"X-Forward", "true"},
                             {"Authorization", "Basic dXNlcjpwYXNz"}});
    EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(HttpRules, RootContextsTypesAndAssociations) {
    EXPECT_EQ(get("/").body, "{}");
    EXPECT_EQ(post("/", "{}").body, "{}");
    EXPECT_EQ(get("/contexts").json(), Json::array({"."}));
    const auto types = get("/schemas/types").json();
    EXPECT_EQ(types.size(), 3u);
    EXPECT_NE(std::find(types.begin(), types.end(), "AVRO"), types.end());
    const auto assoc =
        get("/associations/resources/default/orders?resourceType=topic&associationType=value");
    EXPECT_EQ(assoc.status, 200);
    EXPECT_EQ(assoc.body, "[]");
}

TEST_F(HttpRules, HealthReadyAndMetrics) {
    EXPECT_EQ(get("/health").status, 200);
    EXPECT_EQ(get("/ready").status, 200);
    get("/subjects");
    const auto metrics = get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("orderflow_registry_http_requests_total"), std::string::npos);
}

TEST_F(HttpRules, InvalidSubjectIs42208) {
    expect_error(post("/subjects/%0Dbad%0Asubject%09/versions", schema_body("\"string\"")), 422,
                 42208);
    expect_error(post("/subjects/%FF%FE/versions", schema_body("\"string\"")), 422, 42208);
}

}  // namespace
}  // namespace orderflow::registry::testing
