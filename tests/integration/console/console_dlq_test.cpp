#include "integration/console/console_harness.h"
#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>
#include <httplib.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

constexpr const char* kToken = "console-test-token-1";
constexpr const char* kPoison = "<img src=x onerror=alert(1)>";
constexpr int kLateSchemaId = 4343;

const std::map<std::string, std::string> kBearer = {
    {"Authorization", std::string("Bearer ") + kToken}};

void import_schema_with_id(const std::string& registry_url, const std::string& subject, int id) {
    httplib::Client registry(registry_url);
    const auto type = "application/vnd.schemaregistry.v1+json";
    ASSERT_EQ(registry.Put("/mode/" + subject, R"({"mode":"IMPORT"})", type)->status, 200);
    const nlohmann::json body = {{"schema", serde::kOrderSchemaJson}, {"id", id}};
    const auto answer = registry.Post("/subjects/" + subject + "/versions", body.dump(), type);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << answer->body;
    ASSERT_EQ(registry.Put("/mode/" + subject, R"({"mode":"READWRITE"})", type)->status, 200);
}

TEST(ConsoleDlq, TokenRequiredPoisonShownAsPlainTextAndARedriveThroughTheApiStoresTheOrder) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false, {{"BATCH_SIZE", "1"}});
    ConsoleProcess console(pipeline, {{"CONSOLE_TOKEN", kToken}});

    // The token: refused without it, accepted as a header, and ?token= traded for the cookie.
    const auto refused = console.get("/api/topics");
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.json()["error"]["code"], "unauthorized");
    EXPECT_EQ(console.get("/").status, 401);
    EXPECT_EQ(console.get("/static/js/app.js").status, 401);
    EXPECT_EQ(console.get("/api/topics", {{"Authorization", "Bearer wrong-token-xx"}}).status, 401);
    EXPECT_EQ(console.get("/health").status, 200);  // probes need no secret
    const auto with_token = console.get("/api/topics", kBearer);
    EXPECT_EQ(with_token.status, 200) << with_token.body;
    const auto first = console.get(std::string("/?token=") + kToken);
    EXPECT_EQ(first.status, 303);
    EXPECT_EQ(first.location, "/");
    EXPECT_NE(first.set_cookie.find("HttpOnly"), std::string::npos) << first.set_cookie;
    EXPECT_NE(first.set_cookie.find("SameSite=Strict"), std::string::npos) << first.set_cookie;
    const auto cookie = first.set_cookie.substr(0, first.set_cookie.find(';'));
    EXPECT_EQ(console.get("/api/brokers", {{"Cookie", cookie}}).status, 200);

    // A poison with HTML in it, and an order framed with a schema id not registered yet.
    orders::OrderGenerator generator(8804);
    const auto order = generator.next();
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    produce_raw(pipeline.topic, "poison-key", kPoison);
    produce_raw(pipeline.topic, order.customer_id,
                serde::frame(kLateSchemaId, encoder.encode(order)));
    ASSERT_EQ(read_topic(pipeline.dlq_topic, 4, seconds(120)).size(), 4U)
        << auto_consumer->output() << batch_consumer->output();

    const auto dlq = console.get("/api/dlq", kBearer);
    ASSERT_EQ(dlq.status, 200) << dlq.body;
    EXPECT_EQ(dlq.content_type, "application/json; charset=utf-8");
    std::optional<std::int64_t> order_letter;
    int poisons = 0;
    const auto letters = dlq.json()["dead_letters"];
    for (const auto& letter : letters) {
        if (letter["key"] == "poison-key") {
            ++poisons;
            EXPECT_TRUE(letter["value"].is_null());
            EXPECT_EQ(letter["value_text"], kPoison) << "as the very characters, in a JSON string";
            EXPECT_FALSE(letter["decode_error"].get<std::string>().empty());
            EXPECT_FALSE(letter["dead_letter"]["reason"].get<std::string>().empty());
        } else {
            EXPECT_NE(letter["decode_error"].get<std::string>().find(std::to_string(kLateSchemaId)),
                      std::string::npos)
                << letter.dump();
            EXPECT_EQ(letter["dead_letter"]["error"], "unknown-schema");
            order_letter = letter["offset"].get<std::int64_t>();
        }
    }
    EXPECT_EQ(poisons, 2);
    ASSERT_TRUE(order_letter) << dlq.body;

    // Actions need the confirmation; bad selections are 400.
    const auto target = "/api/dlq/redrive";
    const auto offset_body = [&](const std::string& extra) {
        return R"({"offset":)" + std::to_string(*order_letter) + extra + "}";
    };
    EXPECT_EQ(console.post(target, offset_body(""), kBearer).status, 403);
    EXPECT_EQ(console.post(target, offset_body(R"(,"confirm":true)")).status, 401);
    EXPECT_EQ(console.post(target, R"({"confirm":true})", kBearer).status, 400);
    EXPECT_EQ(console.post(target, R"({"confirm":true,"offset":999})", kBearer).status, 400);
    EXPECT_EQ(console.post(target, "not json", kBearer).status, 400);

    const auto dry =
        console.post(target, offset_body(R"(,"confirm":true,"dry_run":true)"), kBearer);
    ASSERT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(dry.json()["plan"]["send"].size(), 1U);
    EXPECT_TRUE(dry.json()["sent"].empty());
    EXPECT_EQ(read_topic(pipeline.topic, 2, seconds(30)).size(), 2U) << "a dry run sent something";

    import_schema_with_id(registry.url(), pipeline.topic + "-value", kLateSchemaId);
    const auto redriven = console.post(target, offset_body(R"(,"confirm":true)"), kBearer);
    ASSERT_EQ(redriven.status, 200) << redriven.body;
    ASSERT_EQ(redriven.json()["sent"].size(), 1U);
    EXPECT_EQ(redriven.json()["sent"][0]["topic"], pipeline.topic);
    const auto stored = [&](const std::string& group) {
        return redis_order_field(group, order.order_id, "customer_id") == order.customer_id;
    };
    ASSERT_TRUE(wait_until(
        [&] { return stored(pipeline.auto_group) && stored(pipeline.batch_group); }, seconds(120)))
        << auto_consumer->output() << batch_consumer->output();

    // The trace finds the dead letters of the order (the record itself is named by Redis).
    const auto trace = console.get("/api/orders/" + order.order_id, kBearer);
    ASSERT_EQ(trace.status, 200) << trace.body;
    EXPECT_EQ(trace.json()["dead_letters"].size(), 2U);

    // A test order: produced and acknowledged, then readable at the place it names.
    EXPECT_EQ(console.post("/api/actions/test-order", "{}", kBearer).status, 403);
    const auto test_order = console.post("/api/actions/test-order", R"({"confirm":true})", kBearer);
    ASSERT_EQ(test_order.status, 200) << test_order.body;
    const auto sent = test_order.json();
    const auto at = console.get(
        "/api/topics/" + pipeline.topic +
            "/messages?partition=" + std::to_string(sent["partition"].get<int>()) +
            "&offset=" + std::to_string(sent["offset"].get<std::int64_t>()) + "&limit=1",
        kBearer);
    ASSERT_EQ(at.status, 200) << at.body;
    EXPECT_EQ(at.json()["messages"][0]["value"]["order_id"], sent["order_id"]);
}

}  // namespace
}  // namespace orderflow::test
