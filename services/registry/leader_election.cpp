#include "registry/leader_election.h"

#include "common/guarded_thread.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"
#include "metrics/metrics.h"
#include "registry/schemas_topic.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace orderflow::registry {
namespace {

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
    stop();
}

void GroupLeadership::stop() {
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
    if (consumer_) {
        // Leaves the group (a follower takes over now, not after session.timeout.ms); runs the
        // revoke callback on this thread, which only touches members still alive.
        const auto started = std::chrono::steady_clock::now();
        if (const auto err = rd_kafka_consumer_close(consumer_.get());
            err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            spdlog::warn("leader election: closing the consumer: {}", kafka::describe(err));
        }
        consumer_.reset();
        spdlog::info("leader election: left group {} in {} ms", group_,
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count());
    }
}

void GroupLeadership::subscribe() {
    const auto topics = kafka::make_partition_list({{topic_}});
    if (const auto err = rd_kafka_subscribe(consumer_.get(), topics.get());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw kafka::KafkaError(err, "cannot join group " + group_ + ": " + kafka::describe(err));
    }
}

void GroupLeadership::start(std::chrono::steady_clock::time_point deadline) {
    // The session outlives a coordinator failover (~10-15 s after kill -9 of its broker), so a
    // leader keeps its leadership instead of revoking it locally; a dead or paused coordinator
    // costs seconds, and a topic created a moment ago is seen soon.
    const auto properties = kafka::presets::join(
        {kafka::presets::committer(group_),
         {{"session.timeout.ms", "30000"},
          {"heartbeat.interval.ms", "1000"},
          {"partition.assignment.strategy", "range"}},
         kafka::presets::failover(std::chrono::seconds(5), std::chrono::seconds(2))});
    consumer_ = kafka::make_consumer(settings_, properties, "the election consumer",
                                     {.rebalance = on_rebalance_trampoline, .opaque = this});
    // Subscribing while this handle's metadata lacks the topic (a broker that has not caught up
    // answered first) joins with no partition to assign: nobody leads and /ready stays 503.
    wait_for_partition(consumer_.get(), topic_, deadline, "leader election");
    subscribe();
    thread_ = std::thread(common::guarded("leader election", [this] { loop(); }));
}

void GroupLeadership::on_rebalance(rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions) {
    auto& leader_gauge = metrics::default_registry().gauge(
        "orderflow_registry_leader", "1 while this instance is the registry leader");
    nobody_leads_since_.reset();
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        assigned_ = true;
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
        // Until the next assignment there is nothing to rejoin for: the group is rebalancing,
        // and leaving it now would start that rebalance over.
        assigned_ = false;
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
    announce_change();
}

void GroupLeadership::publish_url() {
    const auto offsets = kafka::make_partition_list({{topic_, 0, 0}});
    auto* p = &offsets->elems[0];
    p->metadata = rd_kafka_mem_malloc(consumer_.get(), url_.size());
    std::copy(url_.begin(), url_.end(), static_cast<char*>(p->metadata));
    p->metadata_size = url_.size();
    // Asynchronous commit on a private queue, awaited in short steps: a synchronous commit
    // against an unreachable coordinator waits out librdkafka's own timeouts (many seconds)
    // and would hold up a stop.
    const kafka::QueuePtr queue(rd_kafka_queue_new(consumer_.get()));
    rd_kafka_resp_err_t err =
        rd_kafka_commit_queue(consumer_.get(), offsets.get(), queue.get(), nullptr, nullptr);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (stop_ || std::chrono::steady_clock::now() >= deadline) {
            err = RD_KAFKA_RESP_ERR__TIMED_OUT;
            break;
        }
        if (const kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 100)); event) {
            err = rd_kafka_event_error(event.get());
            break;
        }
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("leader election: cannot publish the leader URL yet: {}",
                     kafka::describe(err));
        return;
    }
    publish_pending_ = false;
}

void GroupLeadership::refresh_leader_url() {
    const auto offsets = kafka::make_partition_list({{topic_, 0}});
    if (rd_kafka_committed(consumer_.get(), offsets.get(), 1000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        nobody_leads_since_.reset();  // the coordinator is away: nobody knows who leads
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
        announce_change();
    }
    if (leader_url_) {
        nobody_leads_since_.reset();
    } else if (!nobody_leads_since_) {
        nobody_leads_since_ = std::chrono::steady_clock::now();
    }
}

void GroupLeadership::loop() {
    using Clock = std::chrono::steady_clock;
    auto last_refresh = Clock::now() - std::chrono::seconds(10);
    int ticks = 0;
    while (!stop_) {
        // Short: stop() joins this thread before leaving the group.
        const kafka::MessagePtr message(rd_kafka_consumer_poll(consumer_.get(), 100));
        const auto now = Clock::now();
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
        // A rebalance whose assignor read metadata from a broker that did not know the topic
        // yet hands the partition to nobody, and nothing triggers another one (the topic's
        // metadata does not change afterwards). A follower whose coordinator has answered for
        // kNoLeaderRejoin that nobody leads makes the group rebalance by rejoining, once per
        // assignment. Not while the coordinator is away (fetches fail: a leader may well be
        // there) and not between a revocation and the next assignment: rejoining then starts
        // the group's rebalance over, and rejoining again each time kept a group leaderless
        // after kill -9 of its coordinator (robustness.RegistryBrokerFaults).
        constexpr auto kNoLeaderRejoin = std::chrono::seconds(5);
        if (!leader_ && assigned_ && nobody_leads_since_ &&
            now - *nobody_leads_since_ >= kNoLeaderRejoin) {
            spdlog::warn(
                "leader election: the coordinator has said for {} s that nobody leads {} [0]; "
                "rejoining group {} to rebalance",
                kNoLeaderRejoin.count(), topic_, group_);
            assigned_ = false;
            nobody_leads_since_.reset();
            rd_kafka_unsubscribe(consumer_.get());
            try {
                subscribe();
            } catch (const kafka::KafkaError& e) {
                spdlog::warn("leader election: {}", e.what());
            }
        }
    }
}

std::optional<std::string> GroupLeadership::leader_url() const {
    std::lock_guard lock(mutex_);
    return leader_url_;
}

}  // namespace orderflow::registry
