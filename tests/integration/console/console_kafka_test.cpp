#include "integration/console/console_harness.h"
#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"
#include "support/raw_http.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

constexpr int kOrders = 20;
constexpr std::uint64_t kSeed = 8801;

std::string order_id_of(const nlohmann::json& message) {
    return message["value"]["order_id"].get<std::string>();
}

TEST(ConsoleKafka, TopicsDecodedMessagesFromAnOffsetAndATimeAndBadInputAnswered4xx) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto produced = pipeline.run("produce --count " + std::to_string(kOrders) +
                                       " --interval 20ms --seed " + std::to_string(kSeed));
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    ConsoleProcess console(pipeline);
    const auto& topic = pipeline.topic;

    // Topics: ours with 5 partitions on 3 replicas.
    const auto topics = console.get("/api/topics");
    ASSERT_EQ(topics.status, 200) << topics.body;
    EXPECT_EQ(topics.content_type, "application/json; charset=utf-8");
    const auto list = topics.json()["topics"];
    const auto ours =
        std::find_if(list.begin(), list.end(), [&](const auto& t) { return t["name"] == topic; });
    ASSERT_NE(ours, list.end()) << topics.body;
    EXPECT_EQ((*ours)["partitions"], 5);
    EXPECT_EQ((*ours)["replication_factor"], 3);
    EXPECT_EQ((*ours)["messages"], kOrders);
    EXPECT_EQ((*ours)["under_replicated"], false);

    const auto detail = console.get("/api/topics/" + topic).json();
    ASSERT_EQ(detail["partitions"].size(), 5U);
    EXPECT_EQ(detail["partitions"][0]["replicas"].size(), 3U);
    EXPECT_EQ(detail["config"]["min.insync.replicas"], "2");

    // Every message, decoded to what the producer generated with that seed.
    const auto all = console.get("/api/topics/" + topic + "/messages?limit=500");
    ASSERT_EQ(all.status, 200) << all.body;
    const auto messages = all.json()["messages"];
    ASSERT_EQ(messages.size(), static_cast<std::size_t>(kOrders)) << all.body;
    EXPECT_EQ(all.json()["truncated"], false);
    orders::OrderGenerator generator(kSeed);
    std::map<std::string, orders::Order> expected;
    for (int i = 0; i < kOrders; ++i) {
        const auto order = generator.next();
        expected[order.order_id] = order;
    }
    std::int64_t previous_time = std::numeric_limits<std::int64_t>::max();
    for (const auto& message : messages) {
        ASSERT_TRUE(message["decode_error"].is_null()) << message.dump();
        const auto it = expected.find(order_id_of(message));
        ASSERT_NE(it, expected.end()) << message.dump();
        EXPECT_EQ(message["key"], it->second.customer_id);
        EXPECT_EQ(message["value"]["customer_id"], it->second.customer_id);
        EXPECT_EQ(message["value"]["total_cents"], it->second.total_cents);
        EXPECT_EQ(message["value"]["items"].size(), it->second.items.size());
        EXPECT_EQ(message["subject"], topic + "-value");
        EXPECT_EQ(message["schema_version"], 1);
        EXPECT_TRUE(message["schema_id"].is_number());
        EXPECT_LE(message["timestamp_ms"].get<std::int64_t>(), previous_time) << "newest first";
        previous_time = message["timestamp_ms"].get<std::int64_t>();
    }

    const auto newest = console.get("/api/topics/" + topic + "/messages?limit=3").json();
    EXPECT_EQ(newest["messages"].size(), 3U);
    EXPECT_EQ(newest["truncated"], true);
    EXPECT_EQ(order_id_of(newest["messages"][0]), order_id_of(messages[0]));

    // From an offset of one partition.
    const auto& pick = messages[kOrders / 2];
    const auto from_offset =
        console.get("/api/topics/" + topic +
                    "/messages?partition=" + std::to_string(pick["partition"].get<int>()) +
                    "&offset=" + std::to_string(pick["offset"].get<int>()) + "&limit=1");
    ASSERT_EQ(from_offset.status, 200) << from_offset.body;
    ASSERT_EQ(from_offset.json()["messages"].size(), 1U);
    EXPECT_EQ(order_id_of(from_offset.json()["messages"][0]), order_id_of(pick));

    // From a time: exactly the records at or after it, oldest first.
    const auto since = pick["timestamp_ms"].get<std::int64_t>();
    const auto expected_since = std::count_if(messages.begin(), messages.end(), [&](const auto& m) {
        return m["timestamp_ms"].template get<std::int64_t>() >= since;
    });
    const auto from_time = console.get("/api/topics/" + topic +
                                       "/messages?limit=500&timestamp=" + std::to_string(since));
    ASSERT_EQ(from_time.status, 200) << from_time.body;
    const auto timed = from_time.json()["messages"];
    EXPECT_EQ(static_cast<std::int64_t>(timed.size()), expected_since);
    for (std::size_t i = 0; i < timed.size(); ++i) {
        EXPECT_GE(timed[i]["timestamp_ms"].get<std::int64_t>(), since);
        if (i > 0) {
            EXPECT_GE(timed[i]["timestamp_ms"], timed[i - 1]["timestamp_ms"]) << "oldest first";
        }
    }
    const auto beginning =
        console.get("/api/topics/" + topic + "/messages?from=beginning&limit=500");
    EXPECT_EQ(beginning.json()["messages"].size(), static_cast<std::size_t>(kOrders));

    // Filters: an exact key, and text in the value.
    const auto key = pick["key"].get<std::string>();
    const auto by_key = console.get("/api/topics/" + topic + "/messages?key=" + key).json();
    const auto with_key = std::count_if(messages.begin(), messages.end(),
                                        [&](const auto& m) { return m["key"] == key; });
    EXPECT_EQ(static_cast<std::int64_t>(by_key["messages"].size()), with_key);
    const auto by_text =
        console.get("/api/topics/" + topic + "/messages?q=" + order_id_of(pick)).json();
    ASSERT_EQ(by_text["messages"].size(), 1U);
    EXPECT_EQ(by_text["messages"][0]["offset"], pick["offset"]);

    // Schemas.
    const auto subjects = console.get("/api/subjects");
    ASSERT_EQ(subjects.status, 200) << subjects.body;
    bool listed = false;
    const auto subject_list = subjects.json()["subjects"];
    for (const auto& subject : subject_list) {
        if (subject["subject"] == topic + "-value") {
            listed = true;
            EXPECT_EQ(subject["versions"], nlohmann::json::array({1}));
            EXPECT_EQ(subject["latest"]["id"], pick["schema_id"]);
            EXPECT_EQ(subject["compatibility"], "BACKWARD");
        }
    }
    EXPECT_TRUE(listed) << subjects.body;
    const auto version = console.get("/api/subjects/" + topic + "-value/versions/1").json();
    EXPECT_EQ(version["schema"]["type"], "record");
    const auto diff = console.get("/api/subjects/" + topic + "-value/diff?from=1&to=latest").json();
    ASSERT_FALSE(diff["lines"].empty());
    for (const auto& line : diff["lines"]) {
        EXPECT_EQ(line["op"], " ");
    }

    // Bad input: a 4xx with a JSON error body, never a crash.
    const std::map<std::string, std::pair<int, std::string>> bad = {
        {"/api/topics/no-such-topic", {404, "not_found"}},
        {"/api/topics/no-such-topic/messages", {404, "not_found"}},
        {"/api/groups/no-such-group", {404, "not_found"}},
        {"/api/subjects/no-such-subject/versions/1", {404, "not_found"}},
        {"/api/subjects/" + topic + "-value/versions/7", {404, "not_found"}},
        {"/api/subjects/" + topic + "-value/versions/x", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?partition=0&offset=abc", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?partition=0&offset=999999", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?offset=1", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?limit=501", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?limit=0", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?partition=9", {400, "bad_request"}},
        {"/api/topics/" + topic + "/messages?from=middle", {400, "bad_request"}},
        {"/api/nothing-here", {404, "not_found"}},
        {"/static/../secret.txt", {404, "not_found"}},
        {"/static/%2e%2e/secret.txt", {404, "not_found"}},
        {"/static/js%2f..%2f..%2fsecret.txt", {404, "not_found"}},
        {"/vendor/../secret.txt", {404, "not_found"}},
        {"/vendor/..%2f..%2fsecret.txt", {404, "not_found"}},
    };
    for (const auto& [target, answer] : bad) {
        // Raw bytes: a library client might tidy "..", a browser's address bar does too.
        RawConnection connection(console.port());
        ASSERT_TRUE(connection.send(console.raw_get(target)));
        const auto reply = connection.read_reply(seconds(60));
        ASSERT_TRUE(reply) << target;
        EXPECT_EQ(reply->status, answer.first) << target << ": " << reply->body;
        EXPECT_EQ(reply->header("Content-Type"), "application/json; charset=utf-8") << target;
        const auto body = nlohmann::json::parse(reply->body);
        EXPECT_EQ(body["error"]["code"], answer.second) << target;
        EXPECT_FALSE(body["error"]["message"].get<std::string>().empty()) << target;
        EXPECT_EQ(reply->body.find("not for the web"), std::string::npos) << target;
    }

    // Pages: the original's URLs answer the page, as do the static and vendor files.
    for (const auto* page : {"/", "/ui/clusters/kraft/all-topics", "/ui/redis", "/ui/dlq"}) {
        const auto reply = console.get(page);
        EXPECT_EQ(reply.status, 200) << page;
        EXPECT_NE(reply.body.find(kIndexMarker), std::string::npos) << page;
        EXPECT_EQ(reply.content_type, "text/html; charset=utf-8") << page;
    }
    const auto messages_page = console.get("/ui/clusters/kraft/all-topics/" + topic + "/messages");
    EXPECT_NE(messages_page.body.find(kIndexMarker), std::string::npos);
    const auto script = console.get("/static/js/app.js");
    EXPECT_EQ(script.status, 200);
    EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(console.get("/vendor/uplot/dist/uPlot.esm.js").status, 200);

    // Without CONSOLE_TOKEN the console is read-only.
    const auto action = console.post("/api/actions/test-order", R"({"confirm":true})");
    EXPECT_EQ(action.status, 403) << action.body;
    EXPECT_EQ(action.json()["error"]["code"], "forbidden");
    EXPECT_EQ(console.post("/api/dlq/redrive", R"({"confirm":true,"all":true})").status, 403);
}

TEST(ConsoleKafka, TheLiveTailDeliversAMessageProducedAfterItOpened) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ASSERT_EQ(pipeline.run("produce --count 1 --seed 1").exit_code, 0);  // topics and schema
    ConsoleProcess console(pipeline);

    RawConnection stream(console.port());
    ASSERT_TRUE(stream.send(console.raw_get("/api/topics/" + pipeline.topic + "/messages/stream")));
    ASSERT_TRUE(stream.read_until("\r\n\r\n", seconds(60))) << stream.received();
    EXPECT_NE(stream.received().find("text/event-stream"), std::string::npos) << stream.received();

    orders::OrderGenerator generator(8802);
    const auto order = generator.next();
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    const auto id = console.get("/api/subjects/" + pipeline.topic + "-value/versions/1")
                        .json()["id"]
                        .get<int>();
    produce_raw(pipeline.topic, order.customer_id, serde::frame(id, encoder.encode(order)));
    ASSERT_TRUE(stream.read_until(order.order_id, seconds(60))) << stream.received();
    EXPECT_NE(stream.received().find("event: message"), std::string::npos);
    const auto data = stream.received().find("data: ");
    ASSERT_NE(data, std::string::npos);
    const auto line =
        stream.received().substr(data + 6, stream.received().find('\n', data) - data - 6);
    const auto message = nlohmann::json::parse(line);
    EXPECT_EQ(message["value"]["order_id"], order.order_id);
    EXPECT_EQ(message["key"], order.customer_id);
    // The earlier order is not replayed: the tail starts at the end.
    orders::OrderGenerator first(1);
    EXPECT_EQ(stream.received().find(first.next().order_id), std::string::npos);
}

}  // namespace
}  // namespace orderflow::test
