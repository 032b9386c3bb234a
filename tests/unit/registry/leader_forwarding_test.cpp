#include "registry/leader_forwarding.h"

#include "settable_leadership.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <thread>

namespace orderflow::registry {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A follower until the test says who leads.
using Follower = testing::SettableLeadership;

// A leader on an ephemeral port that answers every POST with what it received.
class EchoLeader {
public:
    EchoLeader() {
        server_.Post(".*", [](const httplib::Request& req, httplib::Response& res) {
            res.status = 200;
            res.set_content(nlohmann::json{{"path", req.path},
                                           {"body", req.body},
                                           {"content_type", req.get_header_value("Content-Type")},
                                           {"accept", req.get_header_value("Accept")},
                                           {"forwarded", req.has_header("X-Orderflow-Forwarded")}}
                                .dump(),
                            "application/json");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        // Bound and listening: a request sent before the loop runs waits in the backlog.
    }
    ~EchoLeader() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

http::Request write_request(const std::string& body = R"({"schema":"\"int\""})") {
    http::Request req;
    req.method = "POST";
    req.target = "/subjects/s/versions?normalize=true";
    req.headers = {{"Content-Type", "application/vnd.schemaregistry.v1+json"}};
    req.body = body;
    return req;
}

int error_code(const http::Response& res) {
    return nlohmann::json::parse(res.body).at("error_code").get<int>();
}

TEST(LeaderForwarding, TheLeaderServesTheRequestItself) {
    SoleLeader leader;
    http::Response res;
    EXPECT_FALSE(LeaderForwarder(leader, 10s).forward(write_request(), res, "application/json"));
    EXPECT_TRUE(res.body.empty());
}

TEST(LeaderForwarding, NoLeaderKnownInTimeAnswers50004) {
    Follower follower;
    http::Response res;
    const auto start = Clock::now();
    EXPECT_TRUE(LeaderForwarder(follower, 100ms).forward(write_request(), res, "application/json"));
    EXPECT_GE(Clock::now() - start, 100ms);
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(error_code(res), 50004);
}

TEST(LeaderForwarding, AForwardedRequestIsNeverForwardedAgain) {
    Follower follower;
    follower.set_url("http://127.0.0.1:1");
    auto req = write_request();
    req.headers.emplace_back("X-Orderflow-Forwarded", "true");
    http::Response res;
    EXPECT_TRUE(LeaderForwarder(follower, 10s).forward(req, res, "application/json"));
    EXPECT_EQ(error_code(res), 50004);
}

TEST(LeaderForwarding, AnUnreachableLeaderAnswers50003) {
    Follower follower;
    follower.set_url("http://127.0.0.1:1");
    http::Response res;
    EXPECT_TRUE(LeaderForwarder(follower, 10s).forward(write_request(), res, "application/json"));
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(error_code(res), 50003);
}

TEST(LeaderForwarding, ALeaderLearnedWhileWaitingGetsTheRequestAndItsAnswerIsRelayed) {
    EchoLeader leader;
    Follower follower;
    std::thread election([&] {
        std::this_thread::sleep_for(100ms);
        follower.set_url(leader.url());
    });
    http::Response res;
    const auto start = Clock::now();
    const bool forwarded =
        LeaderForwarder(follower, 30s).forward(write_request(), res, "application/json");
    election.join();
    EXPECT_TRUE(forwarded);
    EXPECT_LT(Clock::now() - start, 10s);
    EXPECT_EQ(res.status, 200);
    const auto echo = nlohmann::json::parse(res.body);
    EXPECT_EQ(echo["path"], "/subjects/s/versions");
    EXPECT_EQ(echo["body"], R"({"schema":"\"int\""})");
    EXPECT_EQ(echo["content_type"], "application/vnd.schemaregistry.v1+json");
    EXPECT_EQ(echo["accept"], "application/json");
    EXPECT_EQ(echo["forwarded"], true);
}

}  // namespace
}  // namespace orderflow::registry
