#include "console/live_tails.h"

#include "common/guarded_thread.h"
#include "topic_browser/topic_tail.h"

#include <spdlog/spdlog.h>

namespace orderflow::console {

LiveTails::LiveTails(kafka::ClientSettings reader, topic_browser::MessageDecoder& decoder)
    : reader_(std::move(reader)), decoder_(decoder) {}

LiveTails::~LiveTails() {
    stop();
}

void LiveTails::reap_finished() {
    for (auto it = tails_.begin(); it != tails_.end();) {
        if (it->done.load()) {
            it->thread.join();
            it = tails_.erase(it);
        } else {
            ++it;
        }
    }
}

std::size_t LiveTails::open_count() {
    std::lock_guard lock(mutex_);
    reap_finished();
    return tails_.size();
}

bool LiveTails::open(std::shared_ptr<http::EventStream> stream,
                     std::string topic,
                     std::map<std::int32_t, std::int64_t> starts,
                     topic_browser::MessageQuery filter) {
    std::lock_guard lock(mutex_);
    reap_finished();
    if (stopping_.load() || tails_.size() >= kMaxStreams) {
        return false;
    }
    auto& tail = tails_.emplace_back();
    tail.thread = std::thread(common::guarded(
        "live tail of " + topic, [this, &tail, stream = std::move(stream), topic = topic,
                                  starts = std::move(starts), filter = std::move(filter)] {
            run(tail, stream, topic, starts, filter);
            tail.done.store(true);
        }));
    return true;
}

void LiveTails::run(Tail& /*tail*/,
                    const std::shared_ptr<http::EventStream>& stream,
                    const std::string& topic,
                    const std::map<std::int32_t, std::int64_t>& starts,
                    const topic_browser::MessageQuery& filter) {
    try {
        topic_browser::TopicTail consumer(reader_, topic, starts);
        while (!stopping_.load() && !stream->closed()) {
            const auto record = consumer.next(std::chrono::milliseconds(300));
            if (!record) {
                continue;
            }
            const auto message = decoder_.decode(*record);
            if (topic_browser::matches(message, filter)) {
                stream->send(
                    topic_browser::dump(topic_browser::to_json(message)), "message",
                    std::to_string(message.partition) + ":" + std::to_string(message.offset));
            }
        }
    } catch (const std::exception& e) {
        spdlog::warn("console: live tail of {} ended: {}", topic, e.what());
        stream->send(R"({"error":{"code":"unavailable","message":"the live tail ended"}})",
                     "error");
    }
    stream->close();
}

void LiveTails::stop() {
    stopping_.store(true);
    std::lock_guard lock(mutex_);
    for (auto& tail : tails_) {
        tail.thread.join();
    }
    tails_.clear();
}

}  // namespace orderflow::console
