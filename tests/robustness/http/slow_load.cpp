#include "robustness/http/slow_load.h"

#include <algorithm>
#include <poll.h>
#include <stdexcept>

namespace orderflow::test {
namespace {

using namespace std::chrono_literals;

// What a slow client trickles: a real request head that never ends.
const std::string kSlowHead = "GET /schemas/ids/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

}  // namespace

SlowLoad::SlowLoad(std::uint16_t port, std::size_t slow, std::size_t idle, std::string idle_target)
    : port_(port), idle_target_(std::move(idle_target)), slow_(slow) {
    for (std::size_t i = 0; i < idle; ++i) {
        idle_.emplace_back(port_);
        if (!idle_.back().send(raw_get(idle_target_)) || !idle_.back().read_reply(10s)) {
            throw std::runtime_error("idle connection " + std::to_string(i) + " got no answer");
        }
    }
    for (auto& s : slow_) {
        open_slow(s);
    }
}

SlowLoad::~SlowLoad() {
    stop();
}

void SlowLoad::open_slow(Slow& slow) {
    slow.connection = std::make_unique<RawConnection>(port_);
    slow.sent = 0;
    slow.closed = false;
    slow.connection->send(kSlowHead.substr(0, 1));
    slow.sent = 1;
    open_slow_.fetch_add(1);
}

void SlowLoad::tick() {
    // Which slow connections did the server close? (readable = EOF or reset: it never answers)
    std::vector<pollfd> fds;
    fds.reserve(slow_.size());
    for (const auto& s : slow_) {
        fds.push_back({s.closed ? -1 : s.connection->fd(), POLLIN, 0});
    }
    ::poll(fds.data(), fds.size(), 0);
    for (std::size_t i = 0; i < slow_.size(); ++i) {
        auto& s = slow_[i];
        if (s.closed) {
            continue;
        }
        bool gone = (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        if (!gone) {
            const char next = s.sent < kSlowHead.size() ? kSlowHead[s.sent] : 'a';
            gone = !s.connection->send(std::string(1, next));
            ++s.sent;
        }
        if (gone) {
            s.closed = true;
            closed_.fetch_add(1);
            open_slow_.fetch_sub(1);
            if (replace_) {
                open_slow(s);
            }
        }
    }
}

void SlowLoad::start() {
    running_ = true;
    thread_ = std::thread([this] {
        auto next = std::chrono::steady_clock::now();
        while (running_) {
            next += 1s;
            while (running_ && std::chrono::steady_clock::now() < next) {
                std::this_thread::sleep_for(50ms);
            }
            if (running_) {
                tick();
            }
        }
    });
}

std::size_t SlowLoad::wait_until_slow_closed(std::chrono::milliseconds timeout) {
    stop_replacing();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (open_slow_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
    }
    return open_slow_.load();
}

std::size_t SlowLoad::idle_still_answering() {
    std::size_t answering = 0;
    for (auto& connection : idle_) {
        if (connection.send(raw_get(idle_target_))) {
            const auto reply = connection.read_reply(10s);
            answering += reply && reply->status == 200 ? 1 : 0;
        }
    }
    return answering;
}

void SlowLoad::stop() {
    running_ = false;
    if (thread_.joinable()) {
        thread_.join();
    }
}

double ProbeResult::percentile(double p) const {
    if (latencies_ms.empty()) {
        return 0;
    }
    auto sorted = latencies_ms;
    std::sort(sorted.begin(), sorted.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}

ProbeResult probe_until(std::uint16_t port,
                        const std::string& target,
                        std::chrono::milliseconds interval,
                        std::chrono::milliseconds answer_within,
                        const std::atomic<bool>& stop) {
    ProbeResult result;
    while (!stop) {
        const auto begin = std::chrono::steady_clock::now();
        bool answered = false;
        try {
            RawConnection connection(port);
            if (connection.send(raw_get(target, "Connection: close\r\n"))) {
                const auto reply = connection.read_reply(answer_within);
                answered = reply && reply->status == 200;
            }
        } catch (const std::exception&) {
            answered = false;  // could not even connect
        }
        const std::chrono::duration<double, std::milli> took =
            std::chrono::steady_clock::now() - begin;
        if (answered) {
            result.latencies_ms.push_back(took.count());
        } else {
            ++result.failures;
        }
        std::this_thread::sleep_for(interval);
    }
    return result;
}

int answer_status(std::uint16_t port,
                  const std::string& target,
                  std::chrono::milliseconds timeout) {
    try {
        RawConnection connection(port);
        if (!connection.send(raw_get(target))) {
            return 0;
        }
        const auto reply = connection.read_reply(timeout);
        return reply ? reply->status : 0;
    } catch (const std::exception&) {
        return 0;  // cannot connect
    }
}

}  // namespace orderflow::test
