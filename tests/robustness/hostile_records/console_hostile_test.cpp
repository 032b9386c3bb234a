#include "integration/console/console_harness.h"
#include "registry_client/registry_client.h"
#include "robustness/hostile_records/hostile_records.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>

#include <set>
#include <signal.h>

namespace orderflow::test {
namespace {

// The console decodes any topic with any writer schema, so no subject check stops these: the
// decoding limits do. One page view took the console down before.
TEST(ConsoleHostileRecords, TheMessagesPageShowsThemRawWithADecodeErrorAndKeepsServing) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ASSERT_EQ(pipeline.run("produce --count 3 --interval 10ms --seed 71").exit_code, 0);
    registry_client::RegistryClient client(registry.url());
    const int deep_id = client.register_schema("someone-else-value", kRecursiveSchema);
    const int nulls_id = client.register_schema("nulls-value", kNullArraySchema);
    const int order_id = client.register_schema(pipeline.topic + "-value", serde::kOrderSchemaJson);
    const std::map<std::int64_t, std::string> expected_errors = {
        {produce_raw(pipeline.topic, "h", deep_record(deep_id, 50'000)).second,
         "decode-limit: nesting depth over 32"},
        {produce_raw(pipeline.topic, "h", four_billion_nulls(nulls_id)).second,
         "decode-limit: a block of 4000000000 elements"},
        {produce_raw(pipeline.topic, "h", order_with_four_billion_items(order_id)).second,
         "decode-limit: a block of 4000000000 elements"},
    };
    ConsoleProcess console(pipeline);

    const auto page = console.get("/api/topics/" + pipeline.topic + "/messages?limit=50");
    ASSERT_EQ(page.status, 200) << page.body << console.output();
    const auto messages = page.json()["messages"];
    ASSERT_EQ(messages.size(), 6U) << page.body;
    std::set<std::string> seen;
    int decoded = 0;
    for (const auto& message : messages) {
        if (message["key"] != "h") {
            EXPECT_TRUE(message["decode_error"].is_null()) << message.dump();
            decoded += message["value"].contains("order_id") ? 1 : 0;
            continue;
        }
        const auto offset = message["offset"].get<std::int64_t>();
        ASSERT_TRUE(expected_errors.contains(offset)) << message.dump();
        EXPECT_TRUE(message["value"].is_null());
        EXPECT_TRUE(message["value_text"].is_string() || message["value_hex"].is_string());
        const auto error = message["decode_error"].get<std::string>();
        EXPECT_NE(error.find(expected_errors.at(offset)), std::string::npos) << error;
        seen.insert(error);
    }
    EXPECT_EQ(decoded, 3);
    EXPECT_EQ(seen.size(), 3U);

    // Still serving: the same page again, and its health.
    EXPECT_EQ(console.get("/api/topics/" + pipeline.topic + "/messages?limit=50").status, 200);
    EXPECT_EQ(console.get("/health").status, 200);
    EXPECT_EQ(::kill(console.pid(), 0), 0) << console.output();
}

}  // namespace
}  // namespace orderflow::test
