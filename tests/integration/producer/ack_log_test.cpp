// The producer's acknowledgement log (--ack-log): every line names an order the cluster holds
// at that partition and offset, after a clean run and after a kill -9 mid-run.

#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

struct AckLine {
    std::string order_id;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
};

// Complete lines only: a kill may cut the last one (it then has no newline).
std::vector<AckLine> read_ack_log(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<AckLine> lines;
    std::string all = text.str();
    std::size_t start = 0;
    for (auto end = all.find('\n'); end != std::string::npos; end = all.find('\n', start)) {
        std::istringstream line(all.substr(start, end - start));
        AckLine ack;
        line >> ack.order_id >> ack.partition >> ack.offset;
        EXPECT_TRUE(line && ack.order_id.size() == 36) << all.substr(start, end - start);
        lines.push_back(ack);
        start = end + 1;
    }
    return lines;
}

// Each acknowledged order is in the topic at the partition and offset its line names.
void expect_in_topic(const std::vector<AckLine>& acks, const std::vector<RawMessage>& messages) {
    std::map<std::pair<std::int32_t, std::int64_t>, const RawMessage*> at;
    for (const auto& message : messages) {
        at[{message.partition, message.offset}] = &message;
    }
    std::set<std::string> ids;
    for (const auto& ack : acks) {
        EXPECT_TRUE(ids.insert(ack.order_id).second) << "twice: " << ack.order_id;
        const auto found = at.find({ack.partition, ack.offset});
        ASSERT_NE(found, at.end()) << ack.order_id << " at " << ack.partition << "/" << ack.offset;
        // Avro writes a string's bytes as they are: the id is in the record.
        EXPECT_NE(found->second->value.find(ack.order_id), std::string::npos)
            << ack.order_id << " at " << ack.partition << "/" << ack.offset;
    }
}

TEST(AckLog, NamesEveryDeliveredOrderWhereTheClusterHoldsIt) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto log = pipeline.work_dir + "/acks.log";
    const auto produced = pipeline.run("produce --count 150 --rate 300 --seed 61 --ack-log " + log);
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    const auto acks = read_ack_log(log);
    EXPECT_EQ(acks.size(), 150U);
    const auto messages = read_topic(pipeline.topic, 150, seconds(60));
    EXPECT_EQ(messages.size(), 150U);
    expect_in_topic(acks, messages);
}

// kill -9 while orders flow: every complete line is an order the cluster holds (the line is
// written only after the acknowledgement), and no line is torn but possibly the last.
TEST(AckLog, AfterKillNineEveryLineIsAnAcknowledgedOrder) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto log = pipeline.work_dir + "/acks.log";
    ChildProcess producer({orderflow_binary(), "produce", "--count", "0", "--rate", "400", "--seed",
                           "62", "--ack-log", log},
                          pipeline.env(), pipeline.work_dir + "/producer.log");
    ASSERT_TRUE(wait_until([&] { return read_ack_log(log).size() >= 300; }, seconds(120)))
        << producer.output();
    producer.send_signal(SIGKILL);
    EXPECT_EQ(producer.wait(seconds(10)), 128 + SIGKILL);
    const auto acks = read_ack_log(log);
    // All of the topic: orders sent but not yet acknowledged are there too, and sends the
    // killed producer had in flight may land after a first look at the end offsets (the reader
    // would then stop at that count before reaching the end of another partition). So read
    // again until the end offsets no longer move.
    std::size_t in_topic = 0;
    std::vector<RawMessage> messages;
    for (int look = 0; look < 5; ++look) {
        std::size_t now = 0;
        for (const auto& [partition, end] : log_end_offsets(pipeline.topic)) {
            now += static_cast<std::size_t>(end);
        }
        if (now == in_topic) {
            break;
        }
        in_topic = now;
        messages = read_topic(pipeline.topic, in_topic, seconds(60));
    }
    EXPECT_EQ(messages.size(), in_topic);
    EXPECT_GE(messages.size(), acks.size());
    expect_in_topic(acks, messages);
}

TEST(AckLog, AnUnwritablePathStopsAtStartNamingTheSetting) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto produced =
        pipeline.run("produce --count 1", {{"PRODUCE_ACK_LOG", "/nonexistent-dir/acks.log"}});
    EXPECT_EQ(produced.exit_code, 2) << produced.output;
    EXPECT_NE(produced.output.find("PRODUCE_ACK_LOG"), std::string::npos) << produced.output;
}

}  // namespace
}  // namespace orderflow::test
