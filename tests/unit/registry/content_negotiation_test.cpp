#include "registry/content_negotiation.h"

#include <gtest/gtest.h>

namespace orderflow::registry {
namespace {

constexpr const char* kVnd = "application/vnd.schemaregistry+json";

TEST(ContentNegotiation, NoPreferenceGetsConfluentsOwnType) {
    EXPECT_EQ(negotiate_response_type(""), kSchemaRegistryV1);
    EXPECT_EQ(negotiate_response_type(" \t"), kSchemaRegistryV1);
    EXPECT_EQ(negotiate_response_type("*/*"), kSchemaRegistryV1);
    EXPECT_EQ(negotiate_response_type("application/*"), kSchemaRegistryV1);
}

TEST(ContentNegotiation, AnExactTypeIsTakenWhateverItsCase) {
    EXPECT_EQ(negotiate_response_type("application/json"), "application/json");
    EXPECT_EQ(negotiate_response_type("Application/JSON"), "application/json");
    EXPECT_EQ(negotiate_response_type(kVnd), kVnd);
}

TEST(ContentNegotiation, QualityTimesOurPreferenceDecides) {
    // json 1.0 * 0.5 beats v1 0.4 * 1.0; and loses to v1 0.6 * 1.0.
    EXPECT_EQ(negotiate_response_type(std::string(kSchemaRegistryV1) + ";q=0.4, application/json"),
              "application/json");
    EXPECT_EQ(negotiate_response_type(std::string(kSchemaRegistryV1) + ";q=0.6, application/json"),
              kSchemaRegistryV1);
}

TEST(ContentNegotiation, TheMostSpecificRangeGivesATypeItsQuality) {
    // application/json is refused by its own q=0 although */* would take it.
    EXPECT_EQ(negotiate_response_type("application/json;q=0, */*;q=0.1"), kSchemaRegistryV1);
    EXPECT_EQ(negotiate_response_type("*/*;q=0.1, application/json"), "application/json");
}

TEST(ContentNegotiation, ParametersAndWhiteSpaceAroundThemAreRead) {
    EXPECT_EQ(negotiate_response_type(" text/html ,\tapplication/json ; charset=utf-8 ; q=0.9 "),
              "application/json");
    EXPECT_EQ(negotiate_response_type("application/json;level=1"), "application/json");
}

TEST(ContentNegotiation, ABadQualityCountsAsZero) {
    EXPECT_EQ(negotiate_response_type("application/json;q=abc"), "");
    EXPECT_EQ(negotiate_response_type("application/json;q=1e999"), "");
}

TEST(ContentNegotiation, EmptyItemsAreIgnored) {
    EXPECT_EQ(negotiate_response_type(",,application/json,"), "application/json");
}

TEST(ContentNegotiation, NothingAcceptableGivesNoType) {
    EXPECT_EQ(negotiate_response_type("text/plain"), "");
    EXPECT_EQ(negotiate_response_type("application/xml, text/*"), "");
    EXPECT_EQ(negotiate_response_type("*/*;q=0"), "");
}

TEST(ContentNegotiation, RequestBodiesMustBeJsonOrOctetStream) {
    EXPECT_TRUE(acceptable_request_type("application/json"));
    EXPECT_TRUE(acceptable_request_type(" APPLICATION/JSON ; charset=utf-8"));
    EXPECT_TRUE(acceptable_request_type(kSchemaRegistryV1));
    EXPECT_TRUE(acceptable_request_type(kVnd));
    EXPECT_TRUE(acceptable_request_type("application/octet-stream"));
    EXPECT_FALSE(acceptable_request_type(""));
    EXPECT_FALSE(acceptable_request_type("text/plain; charset=application/json"));
    EXPECT_FALSE(acceptable_request_type("application/x-www-form-urlencoded"));
}

TEST(ContentNegotiation, ErrorsAreAnsweredInConfluentsBody) {
    http::Response res;
    set_error(res, ApiError(404, 40401, "Subject 's' not found."), "application/json");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(res.body, error_body(40401, "Subject 's' not found."));
}

}  // namespace
}  // namespace orderflow::registry
