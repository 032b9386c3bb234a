#pragma once

// The live tails behind /api/topics/{t}/messages/stream: one thread and one group-less
// consumer per open stream, from the log ends taken when it opened, until the client leaves
// or the console stops. Capped, so streams cannot exhaust threads or memory.

#include "http/event_stream.h"
#include "kafka/client_config.h"
#include "topic_browser/message_decoder.h"
#include "topic_browser/message_query.h"

#include <atomic>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace orderflow::console {

class LiveTails {
public:
    static constexpr std::size_t kMaxStreams = 16;

    LiveTails(kafka::ClientSettings reader, topic_browser::MessageDecoder& decoder);
    ~LiveTails();  // stop()
    LiveTails(const LiveTails&) = delete;
    LiveTails& operator=(const LiveTails&) = delete;

    /// Starts a tail writing matching messages to `stream`; false when kMaxStreams are open.
    bool open(std::shared_ptr<http::EventStream> stream,
              std::string topic,
              std::map<std::int32_t, std::int64_t> starts,
              topic_browser::MessageQuery filter);
    /// Ends every tail (their streams are closed) and joins the threads.
    void stop();
    std::size_t open_count();

private:
    struct Tail {
        std::thread thread;
        std::atomic<bool> done{false};
    };
    void run(Tail& tail,
             const std::shared_ptr<http::EventStream>& stream,
             const std::string& topic,
             const std::map<std::int32_t, std::int64_t>& starts,
             const topic_browser::MessageQuery& filter);
    void reap_finished();  // with mutex_ held

    kafka::ClientSettings reader_;
    topic_browser::MessageDecoder& decoder_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::list<Tail> tails_;
};

}  // namespace orderflow::console
