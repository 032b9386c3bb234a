// A "not found" over HTTP with a catch-up check under the test's control (HttpOptions::catch_up,
// read_barrier.h): the answer waits for the check and reads the store again after it, a failed
// check is a 5xx and never a 404, requests past the waiting limit are 503 at once, and a found
// schema never waits.
#include "registry_fixture.h"
#include "support/gated_step.h"

#include <future>

namespace orderflow::registry::testing {
namespace {

using namespace std::chrono_literals;

class ReadBarrierHttpTest : public ::testing::Test {
protected:
    void SetUp() override {
        log_.append({{records::schema_key("s", 1),
                      records::schema_value({"s", 1, 1, "AVRO", {}, "\"string\"", false})}});
        HttpOptions http;
        http.port = 0;
        http.catch_up = [this](auto) { check_(); };
        http.read_barrier.min_interval = 0ms;
        http.read_barrier.max_waiting = 1;
        server_ = std::make_unique<HttpServer>(api_, leader_, HealthProbe{}, http);
        server_->start();
    }
    void TearDown() override {
        check_.release();  // a check still held must not hold the stop
        check_.release();
        server_.reset();
    }

    std::future<Reply> get_later(const std::string& path) {
        return std::async(std::launch::async, [this, path] { return get(path); });
    }
    Reply get(const std::string& path) {
        httplib::Client client("127.0.0.1", server_->port());
        client.set_read_timeout(30s);
        const auto res = client.Get(path.c_str());
        return res ? Reply{res->status, res->body, ""} : Reply{};
    }

    SchemaStore store_;
    MemoryRecordLog log_{store_};
    SoleLeader leader_;
    RegistryApi api_{store_, log_, {}};
    test::GatedStep check_;
    std::unique_ptr<HttpServer> server_;
};

TEST_F(ReadBarrierHttpTest, ANotFoundWaitsForTheCheckAndAnswersWhatTheStoreHoldsThen) {
    auto later = get_later("/schemas/ids/2");
    ASSERT_TRUE(check_.wait_started(1));
    // The hot path never waits: a schema the store holds is answered during the check.
    EXPECT_EQ(get("/schemas/ids/1").status, 200);
    // What the catch-up finds (the leader registered it a moment ago) is what the answer says.
    log_.append({{records::schema_key("s", 2),
                  records::schema_value({"s", 2, 2, "AVRO", {}, "\"int\"", false})}});
    check_.release();
    const auto reply = later.get();
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.body, R"({"schema":"\"int\""})");
}

TEST_F(ReadBarrierHttpTest, AFailedCheckIsA500ThatClientsRetryNeverA404) {
    auto later = get_later("/subjects/nobody/versions");
    ASSERT_TRUE(check_.wait_started(1));
    check_.release(
        [] { throw errors::operation_timeout("Timed out reading _schemas to its end"); });
    const auto reply = later.get();
    EXPECT_EQ(reply.status, 500) << reply.body;
    EXPECT_NE(reply.body.find("\"error_code\":50002"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find("Cannot tell whether it exists"), std::string::npos) << reply.body;
}

TEST_F(ReadBarrierHttpTest, PastTheWaitingLimitANotFoundIs503AtOnceAndTheOthersGet404) {
    auto first = get_later("/schemas/ids/7");
    ASSERT_TRUE(
        check_.wait_started(1));  // first is in the running check; one more may wait (the limit)
    auto second = get_later("/schemas/ids/8");
    auto third = get_later("/schemas/ids/9");
    // Whichever came last finds no room and is answered at once.
    while (second.wait_for(10ms) != std::future_status::ready &&
           third.wait_for(10ms) != std::future_status::ready) {
    }
    check_.release();
    ASSERT_TRUE(check_.wait_started(2));
    check_.release();
    EXPECT_EQ(first.get().status, 404);
    const auto a = second.get();
    const auto b = third.get();
    const auto& refused = a.status == 503 ? a : b;
    const auto& waited = a.status == 503 ? b : a;
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_NE(refused.body.find("too many reads are waiting"), std::string::npos) << refused.body;
    EXPECT_EQ(waited.status, 404) << waited.body;
    EXPECT_NE(waited.body.find("\"error_code\":40403"), std::string::npos) << waited.body;
}

}  // namespace
}  // namespace orderflow::registry::testing
