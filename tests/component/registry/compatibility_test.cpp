// /compatibility and 409 on register, with Confluent's quirks.
#include "registry_fixture.h"

namespace orderflow::registry::testing {
namespace {

using Compatibility = RegistryServerTest;

const std::string kV1Schema =
    R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"}]})";
const std::string kWithDefault =
    R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int","default":0}]})";
const std::string kWithoutDefault =
    R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]})";

TEST_F(Compatibility, IncompatibleRegistrationIs409WithDetails) {
    register_schema("s", kV1Schema);
    const auto reply = post("/subjects/s/versions", schema_body(kWithoutDefault));
    expect_error(reply, 409, 409);
    const auto message = reply.json()["message"].get<std::string>();
    EXPECT_NE(message.find("Schema being registered is incompatible with an earlier schema for "
                           "subject \"s\""),
              std::string::npos);
    EXPECT_NE(message.find("oldSchemaVersion: 1"), std::string::npos);
    EXPECT_NE(message.find("compatibility: 'BACKWARD'"), std::string::npos);
    EXPECT_EQ(register_schema("s", kWithDefault) > 0, true);
}

TEST_F(Compatibility, ConfigurableIncompatibleCode) {
    RegistryOptions options;
    options.incompatible_error_code = 40901;
    start(options);
    register_schema("s", kV1Schema);
    expect_error(post("/subjects/s/versions", schema_body(kWithoutDefault)), 409, 40901);
}

TEST_F(Compatibility, CheckAgainstLatestAndVerbose) {
    register_schema("s", kV1Schema);
    EXPECT_EQ(post("/compatibility/subjects/s/versions/latest", schema_body(kWithDefault)).json(),
              Json({{"is_compatible", true}}));
    const auto quiet = post("/compatibility/subjects/s/versions/latest?verbose=False",
                            schema_body(kWithoutDefault));
    EXPECT_EQ(quiet.json(), Json({{"is_compatible", false}}));
    const auto verbose = post("/compatibility/subjects/s/versions/latest?verbose=true",
                              schema_body(kWithoutDefault));
    EXPECT_EQ(verbose.json()["is_compatible"], false);
    EXPECT_FALSE(verbose.json()["messages"].empty());
    EXPECT_EQ(post("/compatibility/subjects/s/versions/1", schema_body(kWithDefault)).json(),
              Json({{"is_compatible", true}}));
}

TEST_F(Compatibility, MissingSubjectLatestIsCompatibleButNumberedVersionIs40402) {
    EXPECT_EQ(post("/compatibility/subjects/none/versions/latest", schema_body(kV1Schema)).json(),
              Json({{"is_compatible", true}}));
    EXPECT_EQ(post("/compatibility/subjects/none/versions", schema_body(kV1Schema)).json(),
              Json({{"is_compatible", true}}));
    expect_error(post("/compatibility/subjects/none/versions/1", schema_body(kV1Schema)), 404,
                 40402);
    register_schema("s", kV1Schema);
    expect_error(post("/compatibility/subjects/s/versions/7", schema_body(kV1Schema)), 404, 40402);
    del("/subjects/s/versions/1");
    expect_error(post("/compatibility/subjects/s/versions/1", schema_body(kV1Schema)), 404, 40402);
    expect_error(post("/compatibility/subjects/s/versions/zero", schema_body(kV1Schema)), 422,
                 42202);
}

TEST_F(Compatibility, InvalidSchemaIs42201OrVerboseFalse) {
    register_schema("s", kV1Schema);
    expect_error(post("/compatibility/subjects/s/versions/latest", schema_body("{bad")), 422,
                 42201);
    const auto verbose =
        post("/compatibility/subjects/s/versions/latest?verbose=true", schema_body("{bad"));
    EXPECT_EQ(verbose.status, 200);
    EXPECT_EQ(verbose.json()["is_compatible"], false);
}

TEST_F(Compatibility, TransitiveLevelsCheckAllVersionsOnlyWithoutAVersion) {
    put("/config/s", R"({"compatibility":"BACKWARD"})");
    register_schema("s", kV1Schema);
    register_schema("s", kWithDefault);
    register_schema("s", kWithoutDefault);  // backward vs v2 only: fine
    put("/config/s", R"({"compatibility":"BACKWARD_TRANSITIVE"})");
    const auto again =
        R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"},{"name":"c","type":"long","default":1}]})";
    // against latest only: compatible; against all (v1 lacks b without default): not.
    EXPECT_EQ(post("/compatibility/subjects/s/versions/latest", schema_body(again))
                  .json()["is_compatible"],
              true);
    EXPECT_EQ(
        post("/compatibility/subjects/s/versions", schema_body(again)).json()["is_compatible"],
        false);
    expect_error(post("/subjects/s/versions", schema_body(again)), 409, 409);
}

TEST_F(Compatibility, DifferentSchemaTypeIsIncompatibleUnlessNone) {
    register_schema("s", kV1Schema);
    expect_error(post("/subjects/s/versions", schema_body(R"({"type":"object"})", "JSON")), 409,
                 409);
    put("/config/s", R"({"compatibility":"NONE"})");
    EXPECT_EQ(post("/subjects/s/versions", schema_body(R"({"type":"object"})", "JSON")).status,
              200);
}

TEST_F(Compatibility, JsonAndProtobufSayTheirRulesAreNotImplemented) {
    register_schema("j", R"({"type":"object"})", "JSON");
    const auto reply = post("/compatibility/subjects/j/versions/latest",
                            schema_body(R"({"type":"array"})", "JSON"));
    EXPECT_EQ(reply.json()["is_compatible"], true);
    ASSERT_TRUE(reply.json().contains("messages"));
    EXPECT_NE(
        reply.json()["messages"][0].get<std::string>().find("does not implement compatibility"),
        std::string::npos);
    EXPECT_EQ(register_schema("j", R"({"type":"array"})", "JSON") > 0, true);
}

}  // namespace
}  // namespace orderflow::registry::testing
