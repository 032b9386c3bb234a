#pragma once

#include "dead_letters/dead_letter_record.h"

#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::dead_letters {

/// Which dead-letter records to send back: all of them, or those at the given offsets.
struct Selection {
    bool all = false;
    std::vector<std::int64_t> offsets;
};

struct Skipped {
    DeadLetterRecord letter;
    std::string why;
};

struct RedrivePlan {
    std::vector<DeadLetterRecord> send;  ///< one per source message, in dead-letter order
    std::vector<Skipped> skipped;
    /// Whose dlq.source.topic names a topic other than the one redrive serves: never sent.
    std::vector<Skipped> refused;
};

/**
 * Pure. Picks the selected records and sends each source message once: both consumer groups
 * dead-letter the same message, and a retried batch may dead-letter it twice, so later records
 * of an already chosen source are skipped (the consumers store an order once by its id anyway).
 * Records without source headers are skipped with the reason. A record whose dlq.source.topic
 * is not `orders_topic` (the one topic redrive serves: headers are anyone's to write) is
 * refused with the reason.
 * Errors: std::invalid_argument naming a selected offset the dead-letter topic does not hold.
 */
RedrivePlan plan_redrive(const std::vector<DeadLetterRecord>& letters,
                         const Selection& selection,
                         const std::string& orders_topic);

}  // namespace orderflow::dead_letters
