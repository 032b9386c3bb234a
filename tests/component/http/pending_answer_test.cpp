// Deferred answers (Response::defer): given later from another thread, before the handler
// returned, after the budget (dropped, 503 instead), and after the client left.
#include "http/pending_answer.h"

#include "http_fixture.h"

#include <future>
#include <mutex>
#include <vector>

namespace orderflow::http::testing {
namespace {

// Hands each request's PendingAnswer to the test, which answers when it likes.
class Parked {
public:
    Router router() {
        Router router;
        router.add("GET", "/later", [this](const Request&, Response& res) {
            std::lock_guard lock(mutex_);
            parked_.push_back(res.defer());
        });
        router.add("GET", "/now", [](const Request&, Response& res) {
            auto pending = res.defer();
            Response done;
            done.set_body("answered before the handler returned", "text/plain");
            EXPECT_TRUE(pending->answer(std::move(done)));
        });
        return router;
    }
    std::size_t count() {
        std::lock_guard lock(mutex_);
        return parked_.size();
    }
    std::shared_ptr<PendingAnswer> take(std::size_t index) {
        std::lock_guard lock(mutex_);
        return parked_.at(index);
    }

private:
    std::mutex mutex_;
    std::vector<std::shared_ptr<PendingAnswer>> parked_;
};

Response text(int status, const std::string& body) {
    Response response;
    response.status = status;
    response.set_body(body, "text/plain");
    return response;
}

using Deferred = HttpServerTest;

TEST_F(Deferred, AnsweredLaterFromAnotherThreadOnAKeptAliveConnection) {
    Parked parked;
    start(parked.router());
    auto connection = connect();
    for (int round = 0; round < 2; ++round) {
        ASSERT_TRUE(connection.send(raw_get("/later")));
        ASSERT_TRUE(
            test_wait([&] { return parked.count() == static_cast<std::size_t>(round + 1); }));
        EXPECT_FALSE(connection.read_reply(100ms));  // nothing until it is answered
        auto answered = std::async(std::launch::async, [&] {
            return parked.take(static_cast<std::size_t>(round))
                ->answer(text(201, "round " + std::to_string(round)));
        });
        EXPECT_TRUE(answered.get());
        const auto reply = connection.read_reply(10s);
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->status, 201);
        EXPECT_EQ(reply->body, "round " + std::to_string(round));
    }
    EXPECT_FALSE(parked.take(0)->answer(text(200, "twice")));  // once only
}

TEST_F(Deferred, AnsweredBeforeTheHandlerReturned) {
    Parked parked;
    start(parked.router());
    const auto reply = once(raw_get("/now"));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "answered before the handler returned");
}

TEST_F(Deferred, BudgetSpentAnswers503AndDropsTheLateAnswer) {
    Parked parked;
    Limits limits;
    limits.handler_budget = 200ms;
    start(parked.router(), limits);
    auto connection = connect();
    ASSERT_TRUE(connection.send(raw_get("/later")));
    const auto reply = connection.read_reply(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 503);
    EXPECT_FALSE(parked.take(0)->answer(text(200, "too late")));
    // The connection goes on serving.
    ASSERT_TRUE(connection.send(raw_get("/now")));
    const auto next = connection.read_reply(10s);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
}

TEST_F(Deferred, ConnectionClosedMakesTheAnswerFalse) {
    Parked parked;
    Limits limits;
    limits.shutdown_timeout = 300ms;
    start(parked.router(), limits);
    {
        auto connection = connect();
        ASSERT_TRUE(connection.send(raw_get("/later")));
        ASSERT_TRUE(test_wait([&] { return parked.count() == 1; }));
    }
    // A request in flight keeps its connection until stop()'s deadline closes it.
    server_->stop();
    EXPECT_FALSE(parked.take(0)->answer(text(200, "nobody reads this")));
}

}  // namespace
}  // namespace orderflow::http::testing
