// Two instances on one `_schemas` topic and group: one leader, the follower forwards writes, and
// concurrent registrations through both never share an id or a version.
#include "registry_process.h"

#include <csignal>
#include <set>
#include <thread>

namespace orderflow::registry::testing {
namespace {

TEST(RegistryTwoInstances, ConcurrentRegistrationsNeverDuplicateIds) {
    RegistryNames names;
    RegistryProcess first(names);
    RegistryProcess second(names);
    ASSERT_EQ(first.request("PUT", "/config/shared", R"({"compatibility":"NONE"})").status, 200);
    constexpr int kPerInstance = 15;
    std::vector<std::pair<std::string, int>> ids[2];
    std::string failures[2];
    std::thread writers[2];
    RegistryProcess* instances[2] = {&first, &second};
    for (int w = 0; w < 2; ++w) {
        writers[w] = std::thread([&, w] {
            for (int i = 0; i < kPerInstance; ++i) {
                // distinct schemas; half of them in one shared subject to contend on versions
                const auto name = "W" + std::to_string(w) + "N" + std::to_string(i);
                const auto subject = i % 2 == 0 ? std::string("shared") : "own-" + name;
                const auto reply = instances[w]->request(
                    "POST", "/subjects/" + subject + "/versions",
                    schema_body(R"({"type":"enum","name":")" + name + R"(","symbols":["A"]})"));
                if (reply.status != 200) {
                    failures[w] += std::to_string(reply.status) + " " + reply.body + "\n";
                    continue;
                }
                ids[w].emplace_back(name, Json::parse(reply.body)["id"].get<int>());
            }
        });
    }
    for (auto& t : writers) {
        t.join();
    }
    std::set<int> all;
    std::size_t total = 0;
    for (int w = 0; w < 2; ++w) {
        for (const auto& [name, id] : ids[w]) {
            all.insert(id);
            ++total;
        }
    }
    EXPECT_EQ(all.size(), total) << "an id was handed out twice";
    EXPECT_EQ(total, static_cast<std::size_t>(2 * kPerInstance)) << failures[0] << failures[1];
    // Both instances converge on the same state.
    const bool same = test::wait_until(
        [&] {
            return first.request("GET", "/schemas").body == second.request("GET", "/schemas").body;
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(same);
    // 8 + 8 registrations contended on one subject: versions 1..16, each once.
    const auto versions = Json::parse(first.request("GET", "/subjects/shared/versions").body);
    Json expected = Json::array();
    for (int v = 1; v <= 16; ++v) {
        expected.push_back(v);
    }
    EXPECT_EQ(versions, expected);
}

TEST(RegistryTwoInstances, FollowerForwardsWritesAndReadsItsOwnWrites) {
    RegistryNames names;
    RegistryProcess first(names);
    RegistryProcess second(names);
    ASSERT_EQ(first.request("PUT", "/config", R"({"compatibility":"NONE"})").status, 200);
    for (int i = 0; i < 6; ++i) {
        auto& instance = i % 2 == 0 ? first : second;
        const auto reply = instance.request("POST", "/subjects/s/versions",
                                            schema_body(record_schema("R" + std::to_string(i))));
        ASSERT_EQ(reply.status, 200) << reply.body;
        EXPECT_EQ(Json::parse(reply.body)["id"], i + 1);
    }
    const bool converged = test::wait_until(
        [&] {
            return second.request("GET", "/subjects/s/versions").body == "[1,2,3,4,5,6]" &&
                   first.request("GET", "/subjects/s/versions").body == "[1,2,3,4,5,6]";
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(converged);
    EXPECT_EQ(second.request("GET", "/config").body, R"({"compatibilityLevel":"NONE"})");
}

TEST(RegistryTwoInstances, FollowerTakesOverWhenTheLeaderIsKilled) {
    RegistryNames names;
    RegistryProcess first(names);
    RegistryProcess second(names);
    const auto leader_of = [](RegistryProcess& r) {
        return Json::parse(r.request("GET", "/ready").body)["leader"].get<bool>();
    };
    ASSERT_TRUE(test::wait_until([&] { return leader_of(first) != leader_of(second); },
                                 std::chrono::seconds(30)));
    auto& leader = leader_of(first) ? first : second;
    auto& follower = leader_of(first) ? second : first;
    ASSERT_EQ(follower.request("POST", "/subjects/s/versions", schema_body("\"string\"")).status,
              200);
    leader.kill9();
    // The group expels the dead member after its session timeout; the follower then leads.
    EXPECT_TRUE(test::wait_until([&] { return leader_of(follower); }, std::chrono::seconds(60)));
    const auto reply = follower.request("POST", "/subjects/t/versions", schema_body("\"int\""));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(Json::parse(reply.body)["id"], 2);
}

// A third instance joins while the follower is frozen: the group's rebalance waits for the
// frozen member until its session times out (30 s). Meanwhile the revoked leader must wait for
// its next assignment, not rejoin (each rejoin started the rebalance over, which kept a group
// leaderless after kill -9 of its coordinator); once the frozen member is out, one leads.
TEST(RegistryTwoInstances, ARevokedLeaderWaitsForTheRebalanceInsteadOfRejoining) {
    RegistryNames names;
    RegistryProcess first(names);
    RegistryProcess second(names);
    const auto leads = [](RegistryProcess& r) {
        const auto reply = r.request("GET", "/ready");
        return reply.status == 200 && Json::parse(reply.body)["leader"].get<bool>();
    };
    ASSERT_TRUE(
        test::wait_until([&] { return leads(first) != leads(second); }, std::chrono::seconds(30)));
    auto& leader = leads(first) ? first : second;
    auto& follower = leads(first) ? second : first;
    follower.process().send_signal(SIGSTOP);
    RegistryProcess third(names);
    const bool elected =
        test::wait_until([&] { return leads(leader) || leads(third); }, std::chrono::seconds(120),
                         std::chrono::milliseconds(500));
    follower.process().send_signal(SIGCONT);
    EXPECT_TRUE(elected) << leader.process().output() << third.process().output();
    EXPECT_NE(leader.process().output().find("leadership revoked"), std::string::npos)
        << "the third instance's join did not rebalance the group:\n"
        << leader.process().output();
    for (auto* instance : {&leader, &third}) {
        EXPECT_EQ(instance->process().output().find("rejoining group"), std::string::npos)
            << instance->process().output();
    }
    const auto reply = third.request("POST", "/subjects/after-rebalance/versions",
                                     schema_body(record_schema("AfterRebalance")));
    EXPECT_EQ(reply.status, 200) << reply.body;
}

}  // namespace
}  // namespace orderflow::registry::testing
