// Leadership that moves in the middle of writes, at its worst: two instances on one `_schemas`
// topic that both believe they lead, registering at once. The log's order decides (the first
// record for an id or a subject version wins, everywhere), and a writer whose record lost
// answers 50001: no id is ever answered for two schemas, and what was answered is what a fresh
// replay holds. An instance that lost the leadership before producing writes nothing.
#include "registry/api_error.h"
#include "registry/registry_api.h"
#include "registry/schemas_topic.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace orderflow::registry {
namespace {

using Json = nlohmann::json;

class ForcedLeadership : public Leadership {
public:
    bool is_leader() const override { return leader.load(); }
    std::optional<std::string> leader_url() const override { return std::nullopt; }
    std::atomic<bool> leader{true};
};

// What `orderflow registry` wires together, minus HTTP and the election.
struct Instance {
    explicit Instance(const std::string& topic_name)
        : topic(settings(), {topic_name, 3, std::chrono::seconds(30)}, store),
          api(store, topic, {"NONE", 409}) {
        topic.set_leadership(&leadership);
        topic.start();
    }
    static kafka::ClientSettings settings() {
        kafka::ClientSettings s;
        s.bootstrap_servers = test::shared_stack().bootstrap_servers;
        s.client_id = test::unique_name("split-writer");
        return s;
    }
    // Register: the id, or the ApiError's code.
    std::pair<int, int> register_schema(const std::string& subject, const std::string& schema) {
        ApiRequest req;
        req.method = "POST";
        req.subject = subject;
        req.body = Json{{"schema", schema}}.dump();
        try {
            return {Json::parse(api.post_subject_versions(req))["id"].get<int>(), 0};
        } catch (const ApiError& e) {
            return {0, e.code()};
        }
    }
    std::string schema_by_id(int id) {
        ApiRequest req;
        req.method = "GET";
        req.id = std::to_string(id);
        return Json::parse(api.get_schema_by_id(req))["schema"].get<std::string>();
    }

    SchemaStore store;
    SchemasTopic topic;
    ForcedLeadership leadership;
    RegistryApi api;
};

std::string enum_schema(const std::string& name) {
    return R"({"type":"enum","name":")" + name + R"(","symbols":["A"]})";
}

TEST(RegistrySplitWriters, TwoWritersThatBothLeadNeverAnswerOneIdForTwoSchemas) {
    const auto topic = test::unique_name("_schemas");
    Instance a(topic);
    Instance b(topic);
    Instance* writers[2] = {&a, &b};
    struct Answer {
        std::string subject;
        std::string schema;
        int id;
    };
    std::mutex mutex;
    std::vector<Answer> answers;
    std::map<int, int> failures;  // error code -> count
    constexpr int kPerWriter = 25;
    std::vector<std::thread> threads;
    for (int w = 0; w < 2; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < kPerWriter; ++i) {
                const auto name = "W" + std::to_string(w) + "N" + std::to_string(i);
                // Half into one subject (contended versions), half into their own (contended ids).
                const auto subject = i % 2 == 0 ? std::string("shared") : "own-" + name;
                const auto schema = enum_schema(name);
                const auto [id, code] = writers[w]->register_schema(subject, schema);
                std::lock_guard lock(mutex);
                if (code == 0) {
                    answers.push_back({subject, schema, id});
                } else {
                    ++failures[code];
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    int conflicts = 0;
    for (const auto& [code, count] : failures) {
        EXPECT_EQ(code, 50001) << count << " answer(s) with code " << code;
        conflicts += count;
    }
    std::cout << answers.size() << " registrations answered 200, " << conflicts
              << " answered 50001 (their record lost to the other writer's)" << std::endl;
    EXPECT_EQ(answers.size() + static_cast<std::size_t>(conflicts), 2u * kPerWriter);

    std::map<int, std::string> schema_of_id;
    for (const auto& answer : answers) {
        const auto [it, inserted] = schema_of_id.emplace(answer.id, answer.schema);
        EXPECT_TRUE(inserted || it->second == answer.schema)
            << "id " << answer.id << " answered for " << it->second << " and " << answer.schema;
    }
    // A fresh replay (a restarted instance) holds exactly what was answered.
    Instance replayed(topic);
    for (const auto& answer : answers) {
        EXPECT_EQ(replayed.schema_by_id(answer.id), answer.schema) << "id " << answer.id;
        const auto ids = replayed.store.read([&](const StoreState& s) {
            std::vector<int> out;
            for (const auto& [v, entry] : s.subjects.at(answer.subject)) {
                out.push_back(entry.id);
            }
            return out;
        });
        EXPECT_NE(std::find(ids.begin(), ids.end(), answer.id), ids.end())
            << answer.subject << " has no version with id " << answer.id;
    }
}

TEST(RegistrySplitWriters, AnInstanceThatLostTheLeadershipWritesNothing) {
    const auto topic = test::unique_name("_schemas");
    Instance a(topic);
    a.leadership.leader = false;  // the election moved on while the request was on its way
    const auto [id, code] = a.register_schema("lost", enum_schema("Lost"));
    EXPECT_EQ(code, 50004);
    EXPECT_EQ(id, 0);
    a.leadership.leader = true;
    Instance replayed(topic);
    EXPECT_FALSE(replayed.store.read([](const StoreState& s) { return s.subjects.count("lost"); }));
    EXPECT_EQ(a.register_schema("kept", enum_schema("Kept")).first, 1);
}

}  // namespace
}  // namespace orderflow::registry
