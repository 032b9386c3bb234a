#include "registry/leader_election.h"

#include "kafka/kafka_error.h"
#include "metrics/metrics.h"

#include <spdlog/spdlog.h>

#include <array>
#include <memory>

namespace orderflow::registry {
namespace {

struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const {
        rd_kafka_topic_partition_list_destroy(l);
    }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

extern "C" void on_rebalance_trampoline(rd_kafka_t* /*rk*/,
                                        rd_kafka_resp_err_t err,
                                        rd_kafka_topic_partition_list_t* partitions,
                                        void* opaque) {
    static_cast<GroupLeadership*>(opaque)->on_rebalance(err, partitions);
}

}  // namespace

GroupLeadership::GroupLeadership(const kafka::ClientSettings& settings,
                                 std::string group,
                                 std::string topic,
                                 std::string advertised_url)
    : settings_(settings),
      group_(std::move(group)),
      topic_(std::move(topic)),
      url_(std::move(advertised_url)) {}

GroupLeadership::~GroupLeadership() {
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
    if (consumer_) {
        rd_kafka_consumer_close(consumer_.get());  // leaves the group: a follower takes over
    }
}

void GroupLeadership::start() {
    auto conf = kafka::make_conf(settings_, {{"group.id", group_},
                                             {"enable.auto.commit", "false"},
                                             {"session.timeout.ms", "10000"},
                                             {"heartbeat.interval.ms", "1000"},
                                             {"partition.assignment.strategy", "range"},
                                             // a topic created a moment ago is seen soon
                                             {"topic.metadata.refresh.interval.ms", "2000"}});
    rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance_trampoline);
    rd_kafka_conf_set_opaque(conf.get(), this);
    std::array<char, 512> error{};
    rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error.data(), error.size());
    if (handle == nullptr) {
        throw kafka::KafkaError(
            RD_KAFKA_RESP_ERR__INVALID_ARG,
            std::string("cannot create the election consumer: ") + error.data());
    }
    conf.release();
    consumer_.reset(handle);
    rd_kafka_poll_set_consumer(handle);
    PartitionList topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), topic_.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto err = rd_kafka_subscribe(handle, topics.get());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw kafka::KafkaError(err, "cannot join group " + group_ + ": " + kafka::describe(err));
    }
    thread_ = std::thread([this] { loop(); });
}

void GroupLeadership::on_rebalance(rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions) {
    auto& leader_gauge = metrics::default_registry().gauge(
        "orderflow_registry_leader", "1 while this instance is the registry leader");
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        rd_kafka_assign(consumer_.get(), partitions);
        rd_kafka_pause_partitions(consumer_.get(), partitions);  // we only want the ownership
        bool owns = false;
        for (int i = 0; i < partitions->cnt; ++i) {
            owns = owns ||
                   (topic_ == partitions->elems[i].topic && partitions->elems[i].partition == 0);
        }
        leader_ = owns;
        leader_gauge.set(owns ? 1 : 0);
        if (owns) {
            {
                std::lock_guard lock(mutex_);
                leader_url_ = url_;
            }
            spdlog::info("leader election: this instance ({}) is the leader", url_);
            publish_pending_ = true;  // committed from loop(): not inside the rebalance
        } else {
            spdlog::info("leader election: this instance ({}) is a follower", url_);
        }
    } else {
        if (leader_) {
            spdlog::info("leader election: leadership revoked");
        }
        leader_ = false;
        leader_gauge.set(0);
        {
            std::lock_guard lock(mutex_);
            leader_url_.reset();
        }
        rd_kafka_assign(consumer_.get(), nullptr);
    }
}

void GroupLeadership::publish_url() {
    PartitionList offsets(rd_kafka_topic_partition_list_new(1));
    auto* p = rd_kafka_topic_partition_list_add(offsets.get(), topic_.c_str(), 0);
    p->offset = 0;
    p->metadata = rd_kafka_mem_malloc(consumer_.get(), url_.size());
    std::copy(url_.begin(), url_.end(), static_cast<char*>(p->metadata));
    p->metadata_size = url_.size();
    const auto err = rd_kafka_commit(consumer_.get(), offsets.get(), 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("leader election: cannot publish the leader URL yet: {}",
                     kafka::describe(err));
        return;
    }
    publish_pending_ = false;
}

void GroupLeadership::refresh_leader_url() {
    PartitionList offsets(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(offsets.get(), topic_.c_str(), 0);
    if (rd_kafka_committed(consumer_.get(), offsets.get(), 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return;
    }
    const auto& p = offsets->elems[0];
    std::optional<std::string> url;
    if (p.metadata != nullptr && p.metadata_size > 0) {
        url.emplace(static_cast<const char*>(p.metadata), p.metadata_size);
    }
    if (url == url_) {
        url.reset();  // our own URL from before a restart: that leader is gone
    }
    std::lock_guard lock(mutex_);
    if (!leader_ && url != leader_url_) {
        spdlog::info("leader election: leader is {}", url.value_or("(unknown)"));
        leader_url_ = url;
    }
}

void GroupLeadership::loop() {
    auto last_refresh = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    int ticks = 0;
    while (!stop_) {
        if (rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), 200)) {
            rd_kafka_message_destroy(message);
        }
        const auto now = std::chrono::steady_clock::now();
        if (leader_ && publish_pending_) {
            publish_url();
        }
        if (now - last_refresh >= std::chrono::seconds(1)) {
            last_refresh = now;
            if (leader_) {
                if (++ticks % 10 == 0) {
                    publish_url();  // keeps the committed URL fresh (and from expiring)
                }
            } else {
                refresh_leader_url();
            }
        }
    }
}

std::optional<std::string> GroupLeadership::leader_url() const {
    std::lock_guard lock(mutex_);
    return leader_url_;
}

}  // namespace orderflow::registry
