// The consumer asks a registry follower for a writer schema the follower has not replayed yet:
// two real registry instances on one `_schemas` topic, the consumer pointed at the follower.
// Its 404 is asked again (the order is stored, not dead-lettered); only an id that is still
// unknown after the retries goes to the DLQ.

#include "integration/pipeline/pipeline_harness.h"
#include "integration/registry/registry_process.h"
#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>

#include <csignal>

namespace orderflow::test {
namespace {

// Qualified, not imported: the harness has a RegistryProcess of its own in this namespace.
namespace two = registry::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kLateId = 5151;        // registered while the follower is paused
constexpr int kUnknownId = 5252;     // never registered
constexpr int kDecoderAttempts = 6;  // serde::RegistryRetry's default

/// GET answers with 404 the registry has given so far.
double not_found_answers(two::RegistryProcess& registry) {
    const auto metrics = registry.request("GET", "/metrics");
    const auto value = metric_value(
        metrics.body, R"(orderflow_registry_http_requests_total{method="GET",status="404"})");
    return value < 0 ? 0 : value;
}

bool is_leader(two::RegistryProcess& registry) {
    const auto ready = registry.request("GET", "/ready");
    return ready.status == 200 && two::Json::parse(ready.body).value("leader", false);
}

void import_schema_with_id(two::RegistryProcess& leader, const std::string& subject, int id) {
    ASSERT_EQ(leader.request("PUT", "/mode/" + subject, R"({"mode":"IMPORT"})").status, 200);
    const two::Json body = {{"schema", serde::kOrderSchemaJson}, {"id", id}};
    const auto answer = leader.request("POST", "/subjects/" + subject + "/versions", body.dump());
    ASSERT_EQ(answer.status, 200) << answer.body;
    ASSERT_EQ(leader.request("PUT", "/mode/" + subject, R"({"mode":"READWRITE"})").status, 200);
}

TEST(RegistryFollower, AnIdNotYetReplayedIsAskedAgainAndStoredOnlyAStillUnknownIdIsDeadLettered) {
    two::RegistryNames names;
    two::RegistryProcess first(names);
    two::RegistryProcess second(names);
    ASSERT_TRUE(wait_until([&] { return is_leader(first) || is_leader(second); }, seconds(60)));
    auto& leader = is_leader(first) ? first : second;
    auto& follower = &leader == &first ? second : first;

    Pipeline pipeline(follower.url());
    auto consumer = pipeline.start_consumer(true);
    const auto subject = pipeline.topic + "-value";
    orders::OrderGenerator generator(5151);
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);

    // An order framed with an id nobody has registered yet: the follower answers 40403. After
    // its first 404 it is frozen, the id is registered through the leader, and the follower
    // resumes: until it replays the record it still says 404, then it answers the schema.
    const auto late = generator.next();
    const auto before = not_found_answers(follower);
    produce_raw(pipeline.topic, late.customer_id, serde::frame(kLateId, encoder.encode(late)));
    ASSERT_TRUE(wait_until([&] { return not_found_answers(follower) > before; }, seconds(120),
                           milliseconds(10)))
        << consumer->output();
    follower.process().send_signal(SIGSTOP);
    import_schema_with_id(leader, subject, kLateId);
    follower.process().send_signal(SIGCONT);
    const auto stored = [&](const orders::Order& order) {
        return redis_order_field(pipeline.auto_group, order.order_id, "customer_id") ==
               order.customer_id;
    };
    ASSERT_TRUE(wait_until([&] { return stored(late); }, seconds(120))) << consumer->output();
    EXPECT_EQ(redis_stat(pipeline.auto_group, "dead_lettered"), 0);

    // An id that stays unknown: asked kDecoderAttempts times, then dead-lettered with the
    // registry's answer as the reason, and the consumer goes on.
    const auto unknown = generator.next();
    const auto before_unknown = not_found_answers(follower);
    produce_raw(pipeline.topic, unknown.customer_id,
                serde::frame(kUnknownId, encoder.encode(unknown)));
    const auto dead = read_topic(pipeline.dlq_topic, 1, seconds(120));
    ASSERT_EQ(dead.size(), 1U) << consumer->output();
    EXPECT_EQ(dead[0].headers.at("dlq.error"), "unknown-schema");
    EXPECT_NE(dead[0].headers.at("dlq.reason").find(std::to_string(kUnknownId)), std::string::npos)
        << dead[0].headers.at("dlq.reason");
    EXPECT_GE(not_found_answers(follower) - before_unknown, kDecoderAttempts);
    EXPECT_FALSE(stored(unknown));

    const auto next = generator.next();
    produce_raw(pipeline.topic, next.customer_id, serde::frame(kLateId, encoder.encode(next)));
    EXPECT_TRUE(wait_until([&] { return stored(next); }, seconds(120))) << consumer->output();
    EXPECT_EQ(redis_stat(pipeline.auto_group, "dead_lettered"), 1);
}

}  // namespace
}  // namespace orderflow::test
