// A write stuck in the store (as `_schemas` is while its leader is paused): reads keep
// answering, and a write queued behind it answers 50002 within the write timeout instead of
// waiting for it.
#include "registry_fixture.h"

#include <condition_variable>
#include <future>

namespace orderflow::registry::testing {
namespace {

// Appends block until released; write_timeout() is short.
class StuckLog : public MemoryRecordLog {
public:
    using MemoryRecordLog::MemoryRecordLog;
    std::chrono::milliseconds write_timeout() const override {
        return std::chrono::milliseconds(1000);
    }
    void append(const std::vector<Record>& records) override {
        {
            std::unique_lock lock(mutex_);
            ++waiting_;
            changed_.notify_all();
            changed_.wait(lock, [&] { return released_; });
        }
        MemoryRecordLog::append(records);
    }
    void wait_until_stuck() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return waiting_ > 0; });
    }
    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int waiting_ = 0;
    bool released_ = false;
};

TEST(RegistryWriteGate, AWriteQueuedBehindAStuckOneTimesOutAndReadsKeepAnswering) {
    SchemaStore store;
    MemoryRecordLog direct(store);
    direct.append({{records::schema_key("s", 1),
                    records::schema_value({"s", 1, 1, "AVRO", {}, "\"string\"", false})}});
    StuckLog log(store);
    SoleLeader leader;
    RegistryApi api(store, log, {});
    HttpOptions http;
    http.port = 0;
    http.threads = 4;
    HttpServer server(api, leader, HealthProbe{}, http);
    server.start();
    const auto post = [&](const std::string& subject) {
        httplib::Client client("127.0.0.1", server.port());
        client.set_read_timeout(std::chrono::seconds(30));
        const auto res = client.Post(("/subjects/" + subject + "/versions").c_str(),
                                     R"({"schema":"\"int\""})", kV1);
        return res ? std::pair{res->status, res->body} : std::pair{0, std::string()};
    };
    auto stuck = std::async(std::launch::async, [&] { return post("first"); });
    log.wait_until_stuck();

    httplib::Client reader("127.0.0.1", server.port());
    const auto read = reader.Get("/schemas/ids/1");
    ASSERT_TRUE(read);
    EXPECT_EQ(read->status, 200);
    EXPECT_EQ(read->body, R"({"schema":"\"string\""})");

    const auto [status, body] = post("second");
    EXPECT_EQ(status, 500) << body;
    EXPECT_NE(body.find("\"error_code\":50002"), std::string::npos) << body;
    EXPECT_NE(body.find("waiting for an earlier write"), std::string::npos) << body;

    log.release();
    EXPECT_EQ(stuck.get().first, 200);
    EXPECT_EQ(post("second").first, 200);
}

}  // namespace
}  // namespace orderflow::registry::testing
