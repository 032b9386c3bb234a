#include "registry/startup_wait.h"

#include "common/shutdown.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::registry {
namespace {

using Clock = std::chrono::steady_clock;

/// Time left until `deadline`, clamped to [floor, cap] so one blocking call cannot eat it all.
int slice_ms(Clock::time_point deadline, int floor_ms, int cap_ms) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<std::int64_t>(left, floor_ms, cap_ms));
}

}  // namespace

void pause_or_stop(std::chrono::milliseconds duration) {
    if (common::sleep_unless_stopped(duration)) {
        throw StartInterrupted();
    }
}

ProgressLog::ProgressLog(std::string what)
    : what_(std::move(what)), since_(Clock::now()), last_(since_) {}

void ProgressLog::waiting(const std::string& problem) {
    const auto now = Clock::now();
    if (now - last_ >= std::chrono::seconds(1)) {
        last_ = now;
        logged_ = true;
        spdlog::info("{}: still waiting after {} ms: {}", what_, elapsed_ms(), problem);
    } else {
        spdlog::debug("{}: waiting: {}", what_, problem);
    }
}

void ProgressLog::done() const {
    if (logged_) {
        spdlog::info("{}: done after {} ms", what_, elapsed_ms());
    }
}

std::int64_t ProgressLog::elapsed_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since_).count();
}

void wait_for_partition(rd_kafka_t* handle,
                        const std::string& topic,
                        Clock::time_point deadline,
                        const std::string& who) {
    // Created and destroyed here: a topic object that outlives its handle's destruction makes
    // rd_kafka_destroy wait for it, and a stop would hang.
    const auto rkt = kafka::make_topic(handle, topic);
    ProgressLog progress(who + ": " + topic + " [0] visible");
    while (true) {
        const rd_kafka_metadata_t* raw = nullptr;
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(handle, 0, rkt.get(), &raw, slice_ms(deadline, 100, 5000));
        const kafka::MetadataPtr metadata(raw);
        std::string problem;
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            problem = "metadata request: " + kafka::describe(err);
        } else {
            err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            problem = "not in the metadata answer";
            for (int i = 0; i < metadata->topic_cnt; ++i) {
                const auto& t = metadata->topics[i];
                if (topic != t.topic) {
                    continue;
                }
                if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    err = t.err;
                    problem = kafka::describe(t.err);
                    break;
                }
                err = RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
                problem = "partition 0 not in the metadata answer";
                for (int p = 0; p < t.partition_cnt; ++p) {
                    if (t.partitions[p].id != 0) {
                        continue;
                    }
                    if (t.partitions[p].leader < 0) {
                        err = RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
                        problem = "partition 0 has no leader yet";
                    } else {
                        err = RD_KAFKA_RESP_ERR_NO_ERROR;
                    }
                }
                break;
            }
        }
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            progress.done();
            return;
        }
        if (Clock::now() >= deadline) {
            throw kafka::KafkaError(err, who + ": " + topic + " [0] not visible within the " +
                                             "start-up timeout (REGISTRY_TIMEOUT): " + problem);
        }
        progress.waiting(problem);
        pause_or_stop(std::chrono::milliseconds(200));
    }
}

}  // namespace orderflow::registry
