#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>

#include <csignal>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

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
