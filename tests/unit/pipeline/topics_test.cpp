#include "pipeline/topics.h"

#include <gtest/gtest.h>

namespace orderflow::pipeline {
namespace {

kafka::TopicInfo topic_with_rf(int rf) {
    kafka::TopicInfo info{"orders", {}};
    for (int p = 0; p < 5; ++p) {
        kafka::PartitionInfo partition{p, 1, {}, {}};
        for (int r = 1; r <= rf; ++r) {
            partition.replicas.push_back(r);
        }
        info.partitions.push_back(partition);
    }
    return info;
}

TEST(TopicGuarantees, TheIntendedLayoutIsFine) {
    EXPECT_TRUE(guarantee_problems(topic_with_rf(3), {{"min.insync.replicas", "2"}}).empty());
}

TEST(TopicGuarantees, LowReplicationFactorIsRefused) {
    const auto problems = guarantee_problems(topic_with_rf(1), {{"min.insync.replicas", "1"}});
    ASSERT_EQ(problems.size(), 2U);
    EXPECT_NE(problems[0].find("replication factor 1 is below 3"), std::string::npos);
    EXPECT_NE(problems[1].find("min.insync.replicas=1 is below 2"), std::string::npos);
}

TEST(TopicGuarantees, MinIsrAboveReplicationFactorIsRefused) {
    const auto problems = guarantee_problems(topic_with_rf(3), {{"min.insync.replicas", "4"}});
    ASSERT_EQ(problems.size(), 1U);
    EXPECT_NE(problems[0].find("no write can ever succeed"), std::string::npos);
}

TEST(TopicGuarantees, UncleanLeaderElectionIsRefused) {
    const auto problems = guarantee_problems(
        topic_with_rf(3),
        {{"min.insync.replicas", "2"}, {"unclean.leader.election.enable", "true"}});
    ASSERT_EQ(problems.size(), 1U);
    EXPECT_NE(problems[0].find("unclean.leader.election.enable=true"), std::string::npos);
}

TEST(TopicGuarantees, CompactionIsRefused) {
    for (const auto* policy : {"compact", "compact,delete"}) {
        const auto problems = guarantee_problems(
            topic_with_rf(3), {{"min.insync.replicas", "2"}, {"cleanup.policy", policy}});
        ASSERT_EQ(problems.size(), 1U) << policy;
        EXPECT_NE(problems[0].find(std::string("cleanup.policy=") + policy), std::string::npos);
        EXPECT_NE(problems[0].find("would drop orders"), std::string::npos);
    }
    EXPECT_TRUE(guarantee_problems(topic_with_rf(3),
                                   {{"min.insync.replicas", "2"}, {"cleanup.policy", "delete"}})
                    .empty());
}

}  // namespace
}  // namespace orderflow::pipeline
