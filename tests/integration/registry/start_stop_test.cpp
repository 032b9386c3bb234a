// Start-up on a topic the registry creates itself (fresh cluster: the new topic is not yet in
// every broker's metadata) and SIGTERM: ready without exiting, and a clean exit within seconds.
#include "registry_process.h"

#include <csignal>

namespace orderflow::registry::testing {
namespace {

using Clock = std::chrono::steady_clock;
// Generous bounds that still tell the fixed behaviour from the broken one: before the fixes a
// SIGTERM waited out 30 s keep-alive connections, and a follower waited for the election
// group's 30 s session timeout.
constexpr double kQuickExitSeconds = 15.0;
constexpr double kHandOverSeconds = 15.0;

// A registry started without waiting for it (RegistryProcess waits in its constructor).
struct Started {
    RegistryNames names;
    std::uint16_t port = test::free_port();
    std::unique_ptr<test::ChildProcess> process;
};

int get_status(std::uint16_t port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::seconds(1));
    client.set_read_timeout(std::chrono::seconds(2));
    const auto res = client.Get(path.c_str());
    return res ? res->status : 0;
}

Json ready_body(std::uint16_t port) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(2));
    const auto res = client.Get("/ready");
    auto body = res ? Json::parse(res->body, nullptr, false) : Json();
    return body.is_object() ? body : Json::object();
}

/// SIGTERM, then the exit code and how long the process took to exit (-1: still running).
std::pair<int, double> terminate(test::ChildProcess& process, std::chrono::seconds limit) {
    const auto started = Clock::now();
    process.send_signal(SIGTERM);
    const int code = process.wait(limit);
    return {code, std::chrono::duration<double>(Clock::now() - started).count()};
}

// Each instance creates its own topic, so each start races the new topic's metadata: the
// producer, the reader and the election consumer each ask some broker, which may not know the
// topic yet. Before the fix an instance now and then exited (_UNKNOWN_PARTITION) or stayed a
// follower of nobody (503 forever); several rounds of concurrent starts make that likely.
TEST(RegistryStartStop, InstancesOnFreshTopicsAllBecomeReadyAndWritable) {
    constexpr int kRounds = 3;
    constexpr int kInstances = 10;
    for (int round = 0; round < kRounds; ++round) {
        std::vector<Started> started(kInstances);
        for (auto& s : started) {
            s.process = spawn_registry(s.names, s.port);
        }
        for (auto& s : started) {
            const bool ready = test::wait_until(
                [&] { return !s.process->running() || get_status(s.port, "/ready") == 200; },
                std::chrono::seconds(45), std::chrono::milliseconds(100));
            ASSERT_TRUE(ready && s.process->running())
                << "round " << round << ", topic " << s.names.topic << ": "
                << (s.process->running() ? "not ready within 45 s" : "exited") << "\n"
                << s.process->output();
        }
        // Ready means readable: a write is answered only after the reader applied it.
        for (auto& s : started) {
            httplib::Client client("127.0.0.1", s.port);
            client.set_read_timeout(std::chrono::seconds(20));
            const auto res =
                client.Post("/subjects/start-value/versions", schema_body(record_schema("Start")),
                            "application/vnd.schemaregistry.v1+json");
            ASSERT_TRUE(res) << httplib::to_string(res.error()) << "\n" << s.process->output();
            EXPECT_EQ(res->status, 200) << res->body << "\n" << s.process->output();
        }
        for (auto& s : started) {
            const auto [code, seconds] = terminate(*s.process, std::chrono::seconds(10));
            EXPECT_EQ(code, 0) << s.process->output();
            EXPECT_LT(seconds, kQuickExitSeconds) << s.process->output();
        }
    }
}

// httplib keeps an idle keep-alive connection open for its keep-alive timeout (30 s) and its
// stop() waited for it: clients with a connection pool (confluent-kafka, our registry_client)
// made every SIGTERM take 30 s.
TEST(RegistryStartStop, SigtermWithIdleKeepAliveConnectionsExitsQuickly) {
    RegistryProcess registry{RegistryNames{}};
    std::vector<std::unique_ptr<httplib::Client>> clients;
    for (int i = 0; i < 3; ++i) {
        auto client = std::make_unique<httplib::Client>("127.0.0.1", registry.port());
        client->set_keep_alive(true);
        const auto res = client->Post("/subjects/keepalive-value/versions",
                                      schema_body(record_schema("KeepAlive")),
                                      "application/vnd.schemaregistry.v1+json");
        ASSERT_TRUE(res && res->status == 200) << registry.process().output();
        clients.push_back(std::move(client));  // connection left open and idle
    }
    const auto [code, seconds] = terminate(registry.process(), std::chrono::seconds(40));
    EXPECT_EQ(code, 0) << registry.process().output();
    EXPECT_LT(seconds, kQuickExitSeconds) << registry.process().output();
    const auto output = registry.process().output();
    EXPECT_NE(output.find("registry stopped in"), std::string::npos) << output;
}

// A leader that gets SIGTERM leaves the election group on its way out: the follower is leader
// at once, not after session.timeout.ms (30 s), and both exits are quick.
TEST(RegistryStartStop, SigtermedLeaderLeavesTheGroupAndTheFollowerTakesOver) {
    RegistryNames names;
    RegistryProcess first(names);
    RegistryProcess second(names);
    std::pair<RegistryProcess*, RegistryProcess*> roles{nullptr, nullptr};
    ASSERT_TRUE(test::wait_until(
        [&] {
            const auto a = ready_body(first.port());
            const auto b = ready_body(second.port());
            if (a.value("leader", false) && !b.value("leader_url", std::string()).empty()) {
                roles = {&first, &second};
            } else if (b.value("leader", false) && !a.value("leader_url", std::string()).empty()) {
                roles = {&second, &first};
            }
            return roles.first != nullptr;
        },
        std::chrono::seconds(30)))
        << first.process().output() << second.process().output();
    auto& [leader, follower] = roles;

    const auto [code, seconds] = terminate(leader->process(), std::chrono::seconds(40));
    EXPECT_EQ(code, 0) << leader->process().output();
    EXPECT_LT(seconds, kQuickExitSeconds) << leader->process().output();
    const auto output = leader->process().output();
    EXPECT_NE(output.find("left group " + names.group), std::string::npos) << output;

    const auto handed_over = Clock::now();
    ASSERT_TRUE(
        test::wait_until([&] { return ready_body(follower->port()).value("leader", false); },
                         std::chrono::seconds(20)))
        << follower->process().output();
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - handed_over).count(), kHandOverSeconds)
        << "the follower waited for the session timeout: the leader did not leave the group";
    EXPECT_EQ(follower
                  ->request("POST", "/subjects/handover-value/versions",
                            schema_body(record_schema("Handover")))
                  .status,
              200);

    const auto [follower_code, follower_seconds] =
        terminate(follower->process(), std::chrono::seconds(40));
    EXPECT_EQ(follower_code, 0) << follower->process().output();
    EXPECT_LT(follower_seconds, kQuickExitSeconds) << follower->process().output();
}

}  // namespace
}  // namespace orderflow::registry::testing
