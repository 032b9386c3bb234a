#include "dead_letters/redrive_plan.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace orderflow::dead_letters {

RedrivePlan plan_redrive(const std::vector<DeadLetterRecord>& letters,
                         const Selection& selection,
                         const std::string& orders_topic) {
    const std::set<std::int64_t> wanted(selection.offsets.begin(), selection.offsets.end());
    for (const auto offset : wanted) {
        const bool held = std::any_of(letters.begin(), letters.end(), [offset](const auto& l) {
            return l.record.offset == offset;
        });
        if (!held) {
            throw std::invalid_argument("the dead-letter topic has no record at offset " +
                                        std::to_string(offset));
        }
    }
    RedrivePlan plan;
    std::set<SourcePosition> chosen;
    for (const auto& letter : letters) {
        if (!selection.all && !wanted.contains(letter.record.offset)) {
            continue;
        }
        if (!letter.source) {
            plan.skipped.push_back({letter, "no dlq.source.* headers: not written by a consumer"});
        } else if (letter.source->topic != orders_topic) {
            plan.refused.push_back({letter, "its dlq.source.topic names " + letter.source->topic +
                                                ", not " + orders_topic +
                                                ", the only topic redrive sends to"});
        } else if (!chosen.insert(*letter.source).second) {
            plan.skipped.push_back({letter, "its source message is already being redriven"});
        } else {
            plan.send.push_back(letter);
        }
    }
    return plan;
}

}  // namespace orderflow::dead_letters
