#include "registry/history_check.h"

namespace orderflow::registry {

std::vector<PastVersion> live_history(const StoreState& state, const std::string& subject) {
    std::vector<PastVersion> history;
    const auto it = state.subjects.find(subject);
    if (it == state.subjects.end()) {
        return history;
    }
    for (const auto& [version, entry] : it->second) {
        if (!entry.deleted) {
            history.push_back({version, state.schemas.at(entry.id).parsed});
        }
    }
    return history;
}

HistoryCheck check_history(const ParsedSchema& candidate,
                           const std::vector<PastVersion>& history,
                           CompatibilityLevel level) {
    HistoryCheck check;
    const std::size_t oldest = is_transitive(level) || history.empty() ? 0 : history.size() - 1;
    for (auto i = history.size(); i > oldest; --i) {
        const auto& past = history[i - 1];
        if (!past.parsed) {
            check.unparsed.push_back(past.version);
            continue;
        }
        auto result = check_pair(candidate, *past.parsed, past.version, level);
        if (result.note) {
            check.notes.push_back(std::move(*result.note));
        }
        if (!result.messages.empty()) {
            check.messages = std::move(result.messages);
            break;
        }
    }
    return check;
}

std::string details_message(const std::vector<std::string>& messages) {
    std::string details = "[";
    for (std::size_t i = 0; i < messages.size(); ++i) {
        details += (i == 0 ? "" : ", ") + messages[i];
    }
    return details + "]";
}

}  // namespace orderflow::registry
