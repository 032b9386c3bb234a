#include "consumer/retrying_writer.h"

#include "redis/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::consumer {
namespace {

constexpr std::chrono::milliseconds kFirstWriteBackoff{100};

}  // namespace

RetryingWriter::RetryingWriter(BatchProcessor& processor,
                               std::string group,
                               std::chrono::milliseconds max_backoff)
    : processor_(processor),
      group_(std::move(group)),
      max_backoff_(std::max(max_backoff, kFirstWriteBackoff)) {}

std::optional<BatchOutcome> RetryingWriter::try_once(const std::vector<InboundMessage>& batch) {
    try {
        return processor_.process(batch);
    } catch (const FatalError&) {
        throw;
    } catch (const TransientError& e) {
        last_failure_ = e.what();
    } catch (const redis::AclDenied& e) {
        // Not an outage that passes by itself: said once as an error, so it is not taken for
        // a slow Redis, then held and retried like one (an ACL LOAD fixes it).
        if (last_failure_ != e.what()) {
            spdlog::error(
                "group {}: redis refused this consumer's user; {} message(s) held, none "
                "dead-lettered: {}",
                group_, batch.size(), e.what());
        }
        last_failure_ = e.what();
    } catch (const redis::RedisError& e) {
        last_failure_ = e.what();
    } catch (const std::exception& e) {
        // Not a known dependency failure: retried all the same (it may be one we do not know),
        // but said loudly, so a bug does not pass for an outage.
        last_failure_ = std::string("unexpected error: ") + e.what();
        spdlog::error("group {}: writing a batch of {} failed unexpectedly: {}", group_,
                      batch.size(), e.what());
    }
    ++failures_;
    return std::nullopt;
}

std::optional<BatchOutcome> RetryingWriter::write(std::vector<InboundMessage>& batch,
                                                  WriterHost& host) {
    auto backoff = kFirstWriteBackoff;
    bool paused = false;
    while (!batch.empty()) {
        if (auto outcome = try_once(batch)) {
            batch.clear();
            if (paused) {
                host.set_paused(false, "");
            }
            return outcome;
        }
        host.set_paused(true, last_failure_);
        paused = true;
        const auto deadline = host.stop_deadline();
        if (host.fatal() || (deadline && WriterHost::Clock::now() >= *deadline)) {
            spdlog::error(
                "group {}: leaving without writing {} message(s) ({}); nothing of them was "
                "committed, so they will be redelivered",
                group_, batch.size(), last_failure_);
            batch.clear();
            return std::nullopt;
        }
        spdlog::warn("group {}: {} message(s) held, retrying in {} ms: {}", group_, batch.size(),
                     backoff.count(), last_failure_);
        auto wait = backoff;
        if (deadline) {
            wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  *deadline - WriterHost::Clock::now()),
                              std::chrono::milliseconds(1), backoff);
        }
        host.serve_for(wait);
        backoff = std::min(backoff * 2, max_backoff_);
    }
    // Taken by a rebalance while waiting: the revocation wrote or dropped it.
    if (paused) {
        host.set_paused(false, "");
    }
    return std::nullopt;
}

}  // namespace orderflow::consumer
