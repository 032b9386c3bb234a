#include "consumer/batch_processor.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::consumer {
namespace {

PoisonKind poison_kind(redis::RefusalKind kind) {
    switch (kind) {
        case redis::RefusalKind::kInvalidOrder:
            return PoisonKind::kInvalidOrder;
        case redis::RefusalKind::kConflictingDuplicate:
            return PoisonKind::kConflictingDuplicate;
        case redis::RefusalKind::kStoreRefused:
            return PoisonKind::kStoreRefused;
    }
    return PoisonKind::kStoreRefused;
}

}  // namespace

BatchProcessor::BatchProcessor(MessageDecoder& decoder,
                               DeadLetterSink& dead_letters,
                               OrderSink& sink)
    : decoder_(decoder), dead_letters_(dead_letters), sink_(sink) {}

Decoded BatchProcessor::decode(const InboundMessage& message) {
    try {
        return decoder_.decode(message);
    } catch (const TransientError&) {
        throw;  // the registry is away: the batch is retried
    } catch (const std::exception& e) {
        // Any other failure to decode is about this message: retrying it would loop forever.
        return {std::nullopt, PoisonKind::kUndecodable,
                std::string("the decoder failed unexpectedly: ") + e.what()};
    }
}

BatchOutcome BatchProcessor::process(const std::vector<InboundMessage>& batch) {
    BatchOutcome outcome;
    std::vector<DeadLetter> letters;
    std::vector<redis::StoreEntry> entries;
    entries.reserve(batch.size());
    for (const auto& message : batch) {
        auto decoded = decode(message);
        if (!decoded.order) {
            spdlog::warn("{}[{}] offset {} -> dead-letter topic: {}", message.topic,
                         message.partition, message.offset, decoded.reason);
            letters.push_back({&message, decoded.kind, decoded.reason});
        }
        entries.push_back(
            {message.topic, message.partition, message.offset, std::move(decoded.order)});
        auto& next = outcome.commit[{message.topic, message.partition}];
        next = std::max(next, message.offset + 1);
    }
    if (!letters.empty()) {
        dead_letters_.send(letters);
    }
    const auto results = sink_.write(entries);
    std::vector<DeadLetter> refused;
    for (auto& refusal : sink_.take_refusals()) {
        const auto& message = batch.at(refusal.entry);
        spdlog::warn("{}[{}] offset {} -> dead-letter topic: {}", message.topic, message.partition,
                     message.offset, refusal.reason);
        refused.push_back({&message, poison_kind(refusal.kind), std::move(refusal.reason)});
    }
    if (!refused.empty()) {
        dead_letters_.send(refused);
    }
    for (std::size_t i = 0; i < results.size(); ++i) {
        switch (results[i]) {
            case redis::WriteOutcome::kApplied:
                ++outcome.applied;
                if (i < entries.size() && entries[i].order) {
                    const auto& message = batch[i];
                    outcome.applied_times.push_back({.created_ms = entries[i].order->created_at_ms,
                                                     .kafka_ms = message.timestamp_ms,
                                                     .fetched_ms = message.fetched_at_ms});
                }
                break;
            case redis::WriteOutcome::kDuplicate:
                ++outcome.duplicates;
                break;
            case redis::WriteOutcome::kDeadLettered:
                ++outcome.dead_lettered;
                break;
        }
    }
    return outcome;
}

}  // namespace orderflow::consumer
