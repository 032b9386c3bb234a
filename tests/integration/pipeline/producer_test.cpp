#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

std::vector<nlohmann::json> read_lines(const std::string& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(nlohmann::json::parse(line));
    }
    return lines;
}

// The broker refuses every order (the topic's max.message.bytes is tiny): each is re-sent
// PRODUCE_RETRIES times, then lands in the failed-orders file with the reason.
TEST(Producer, UndeliverableOrdersAreRetriedThenWrittenToTheFailedFile) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto created =
        pipeline.run("admin create-topic " + pipeline.topic +
                     " -p 5 -r 3 -c min.insync.replicas=2 -c max.message.bytes=60");
    ASSERT_EQ(created.exit_code, 0) << created.output;
    const auto produced =
        pipeline.run("produce --count 3 --interval 10ms --seed 5",
                     {{"PRODUCE_RETRIES", "2"}, {"PRODUCE_RETRY_BACKOFF", "50ms"}});
    EXPECT_EQ(produced.exit_code, 3) << produced.output;
    EXPECT_NE(produced.output.find("re-send 2 of 2"), std::string::npos) << produced.output;
    EXPECT_NE(produced.output.find("sent 3 delivered 0 retried 6 failed 3"), std::string::npos)
        << produced.output;
    const auto failed = read_lines(pipeline.work_dir + "/failed-orders.jsonl");
    ASSERT_EQ(failed.size(), 3U);
    for (const auto& line : failed) {
        EXPECT_EQ(line.at("attempts"), 3);
        EXPECT_FALSE(line.at("reason").get<std::string>().empty());
        EXPECT_EQ(line.at("order").at("order_id").get<std::string>().size(), 36U);
    }
}

// SIGINT in load mode: generation stops, everything sent is flushed and acknowledged.
TEST(Producer, SigintFlushesAndReportsEverythingSent) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ChildProcess producer({orderflow_binary(), "produce", "--count", "0", "--rate", "2000"},
                          pipeline.env({{"PROGRESS_INTERVAL", "200ms"}}),
                          pipeline.work_dir + "/producer.log");
    // Stop it in full flow: after a few progress summaries.
    ASSERT_TRUE(wait_until(
        [&] {
            const auto out = producer.output();
            std::size_t summaries = 0;
            for (auto at = out.find(" rate "); at != std::string::npos;
                 at = out.find(" rate ", at + 1)) {
                ++summaries;
            }
            return summaries >= 3;
        },
        seconds(60)))
        << producer.output();
    producer.send_signal(SIGINT);
    EXPECT_EQ(producer.wait(seconds(30)), 0) << producer.output();
    const auto out = producer.output();
    const auto done = out.find("done: sent ");
    ASSERT_NE(done, std::string::npos) << out;
    long long sent = 0, delivered = 0;
    ASSERT_EQ(std::sscanf(out.c_str() + done, "done: sent %lld delivered %lld", &sent, &delivered),
              2);
    EXPECT_GT(sent, 0);
    EXPECT_EQ(sent, delivered) << out;
    EXPECT_NE(out.find("failed 0"), std::string::npos) << out;
}

}  // namespace
}  // namespace orderflow::test
