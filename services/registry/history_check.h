#pragma once

// Checking a schema against a subject's history at a compatibility level: the walk both
// registration and POST /compatibility make. Pure: no store lock, no logging.

#include "registry/config_types.h"
#include "registry/schema_store.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::registry {

/// One earlier version of a subject; `parsed` is null when its text does not parse here.
struct PastVersion {
    int version = 0;
    std::shared_ptr<const ParsedSchema> parsed;
};

struct HistoryCheck {
    /// The differences with the first version found incompatible (newest first); empty when
    /// the candidate is compatible.
    std::vector<std::string> messages;
    /// The notes of the pairs checked, in order (types without compatibility rules).
    std::vector<std::string> notes;
    /// Versions passed over because their text does not parse here.
    std::vector<int> unparsed;

    bool compatible() const { return messages.empty(); }
};

/// The live versions of `subject`, oldest first (none for an unknown subject).
std::vector<PastVersion> live_history(const StoreState& state, const std::string& subject);

/**
 * Checks `candidate` against `history` (oldest first): every version for a transitive level,
 * else only the newest, newest first and stopping at the first incompatible one. NONE checks
 * nothing.
 */
HistoryCheck check_history(const ParsedSchema& candidate,
                           const std::vector<PastVersion>& history,
                           CompatibilityLevel level);

/// Confluent's "details" of an incompatible answer: "[m1, m2, ...]".
std::string details_message(const std::vector<std::string>& messages);

}  // namespace orderflow::registry
