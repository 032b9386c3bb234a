#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace orderflow::test {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

std::vector<nlohmann::json> read_lines(const std::string& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(nlohmann::json::parse(line));  // throws on a torn line
    }
    return lines;
}

// Every order is bigger than the topic's max.message.bytes: the broker answers
// MSG_SIZE_TOO_LARGE, which no re-send can fix, so each order goes to the failed-orders file
// after its first attempt, with the reason.
void create_tiny_topic(const Pipeline& pipeline) {
    const auto created =
        pipeline.run("admin create-topic " + pipeline.topic +
                     " -p 5 -r 3 -c min.insync.replicas=2 -c max.message.bytes=60");
    ASSERT_EQ(created.exit_code, 0) << created.output;
}

TEST(Producer, AMessageTooLargeIsNotResentButWrittenToTheFailedFile) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    create_tiny_topic(pipeline);
    const auto produced =
        pipeline.run("produce --count 3 --interval 10ms --seed 5",
                     {{"PRODUCE_RETRIES", "2"}, {"PRODUCE_RETRY_BACKOFF", "50ms"}});
    EXPECT_EQ(produced.exit_code, 3) << produced.output;
    EXPECT_EQ(produced.output.find("re-send 1 of"), std::string::npos) << produced.output;
    EXPECT_NE(produced.output.find("sent 3 delivered 0 retried 0 failed 3"), std::string::npos)
        << produced.output;
    const auto failed = read_lines(pipeline.work_dir + "/failed-orders.jsonl");
    ASSERT_EQ(failed.size(), 3U);
    for (const auto& line : failed) {
        EXPECT_EQ(line.at("attempts"), 1);
        EXPECT_NE(line.at("reason").get<std::string>().find("MSG_SIZE_TOO_LARGE"),
                  std::string::npos)
            << line;
        EXPECT_EQ(line.at("order").at("order_id").get<std::string>().size(), 36U);
    }
}

// The failed-orders file cannot be written (its path is /dev/full: ENOSPC) while orders
// fail: the error is logged and counted, and once the path is a writable file again the
// queued and later orders land there, whole. The exit code says the file had errors.
TEST(Producer, AFailedFileWriteErrorIsReportedAndTheStreamRecovers) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    create_tiny_topic(pipeline);
    const auto path = pipeline.work_dir + "/failed-orders.jsonl";
    fs::create_symlink("/dev/full", path);
    const auto metrics_port = free_port();
    ChildProcess producer({orderflow_binary(), "produce", "--count", "0", "--rate", "20"},
                          pipeline.env({{"METRICS_PORT", std::to_string(metrics_port)},
                                        {"PROGRESS_INTERVAL", "500ms"}}),
                          pipeline.work_dir + "/producer.log");
    ASSERT_TRUE(wait_until(
        [&] {
            return producer.output().find("cannot write the failed-orders file") !=
                   std::string::npos;
        },
        seconds(60)))
        << producer.output();
    EXPECT_NE(producer.output().find("No space left on device"), std::string::npos);
    fs::remove(path);
    std::ofstream(path).close();
    ASSERT_TRUE(wait_until([&] { return read_lines(path).size() >= 10; }, seconds(60)))
        << producer.output();
    httplib::Client status("127.0.0.1", metrics_port);
    const auto metrics = status.Get("/metrics");
    ASSERT_TRUE(metrics);
    const std::string metric = "\norderflow_producer_failed_file_write_errors_total ";
    const auto at = metrics->body.find(metric);
    ASSERT_NE(at, std::string::npos) << metrics->body;
    EXPECT_GE(std::stod(metrics->body.substr(at + metric.size())), 1.0) << metrics->body;
    producer.send_signal(SIGTERM);
    EXPECT_EQ(producer.wait(seconds(60)), 4) << producer.output();
    const auto out = producer.output();
    EXPECT_NE(out.find("write error(s); 0 order(s) could not be written"), std::string::npos)
        << out;
    EXPECT_EQ(out.find("giving up on"), std::string::npos) << out;
    // Every order that was sent is in the file: none only in the log.
    const auto done = out.find("done: sent ");
    ASSERT_NE(done, std::string::npos) << out;
    long long sent = 0;
    ASSERT_EQ(std::sscanf(out.c_str() + done, "done: sent %lld", &sent), 1);
    const auto lines = read_lines(path);
    EXPECT_EQ(static_cast<long long>(lines.size()), sent);
    for (const auto& line : lines) {
        EXPECT_EQ(line.at("attempts"), 1);
    }
}

// A compacted orders topic would keep one order per customer: refused at start.
TEST(Producer, ACompactedOrdersTopicIsRefused) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto created =
        pipeline.run("admin create-topic " + pipeline.topic +
                     " -p 5 -r 3 -c min.insync.replicas=2 -c cleanup.policy=compact");
    ASSERT_EQ(created.exit_code, 0) << created.output;
    const auto produced = pipeline.run("produce --count 1 --interval 10ms");
    EXPECT_NE(produced.exit_code, 0) << produced.output;
    EXPECT_NE(produced.output.find("cleanup.policy=compact"), std::string::npos) << produced.output;
    EXPECT_EQ(produced.output.find("delivered order"), std::string::npos) << produced.output;
}

}  // namespace
}  // namespace orderflow::test
