#include "audit/audit_compare.h"

#include <algorithm>

namespace orderflow::audit {
namespace {

constexpr std::size_t kPartitionField = kComparedFields.size();
constexpr std::size_t kOffsetField = kComparedFields.size() + 1;
constexpr std::size_t kShownValue = 80;

std::uint32_t fnv1a(const std::string& text) {
    std::uint32_t hash = 2166136261U;
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 16777619U;
    }
    return hash == 0 ? 1 : hash;  // 0 stands for a missing field
}

std::optional<std::int64_t> to_integer(const std::optional<std::string>& text) {
    if (!text || text->empty()) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const auto value = std::stoll(*text, &used);
        return used == text->size() ? std::optional(value) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string shown(const std::optional<std::string>& value) {
    if (!value) {
        return "(missing)";
    }
    return value->size() <= kShownValue ? "'" + *value + "'"
                                        : "'" + value->substr(0, kShownValue) + "...'";
}

std::string where(Position at) {
    return "partition " + std::to_string(at.first) + " offset " + std::to_string(at.second);
}

const std::set<Position> kNoDeadLetters;

}  // namespace

FieldDigests digest(const std::vector<std::optional<std::string>>& values) {
    FieldDigests digests{};
    for (std::size_t i = 0; i < digests.size() && i < values.size(); ++i) {
        digests[i] = values[i] ? fnv1a(*values[i]) : 0;
    }
    return digests;
}

LogIndex::LogIndex(std::map<std::int32_t, std::int64_t> cut) : cut_(std::move(cut)) {}

void LogIndex::add_order(const orders::Order& order, Position at) {
    ++messages_;
    std::vector<std::optional<std::string>> values;
    for (auto& [name, value] : redis::order_fields(order)) {
        values.emplace_back(std::move(value));
    }
    if (const auto first = orders_.find(order.order_id); first != orders_.end()) {
        if (first->second.fields != digest(values)) {
            invalid_.insert(at);  // the store dead-letters it as a conflicting duplicate
        } else {
            ++resent_;
        }
        return;
    }
    auto [customer, added] = customer_index_.try_emplace(
        order.customer_id, static_cast<std::uint32_t>(customers_.size()));
    if (added) {
        customers_.push_back(order.customer_id);
    }
    orders_.emplace(order.order_id, Entry{digest(values), order.total_cents, customer->second,
                                          at.first, at.second});
}

void LogIndex::add_invalid(Position at) {
    ++messages_;
    invalid_.insert(at);
}

void LogIndex::add_dead_letter(const std::string& group,
                               const std::string& source_topic,
                               Position source,
                               Position record) {
    ++dead_letter_records_;
    if (source_topic == topic_) {
        dead_letters_[group].insert(source);
        dead_letter_sources_[record] = source;
    }
}

bool LogIndex::redriven(Position source) const {
    return std::any_of(redrive_records_.begin(), redrive_records_.end(), [&](Position record) {
        const auto it = dead_letter_sources_.find(record);
        return it != dead_letter_sources_.end() && it->second == source;
    });
}

bool LogIndex::below_cut(Position at) const {
    const auto it = cut_.find(at.first);
    return it != cut_.end() && at.second >= 0 && at.second < it->second;
}

const LogIndex::Entry* LogIndex::find(const std::string& order_id) const {
    const auto it = orders_.find(order_id);
    return it == orders_.end() ? nullptr : &it->second;
}

const std::set<Position>& LogIndex::dead_letters(const std::string& group) const {
    const auto it = dead_letters_.find(group);
    return it == dead_letters_.end() ? kNoDeadLetters : it->second;
}

GroupAudit::GroupAudit(const LogIndex& log,
                       std::string group,
                       std::map<std::int32_t, std::int64_t> committed,
                       redis::GroupStats stats)
    : log_(log), group_(std::move(group)), committed_(std::move(committed)), stats_(stats) {}

void GroupAudit::difference(std::string text) {
    findings_.differences.push_back(std::move(text));
}

std::int64_t GroupAudit::committed(std::int32_t partition) const {
    const auto it = committed_.find(partition);
    return it == committed_.end() ? 0 : it->second;
}

void GroupAudit::add_stored(const std::string& order_id,
                            const std::vector<std::optional<std::string>>& values) {
    if (stored_.contains(order_id)) {
        return;  // SCAN may return a key twice
    }
    auto& stored = stored_[order_id];
    stored.customer_id = values.size() > 1 && values[1] ? *values[1] : "";
    stored.total_cents = to_integer(values.size() > 3 ? values[3] : std::nullopt).value_or(0);
    const auto partition =
        values.size() > kPartitionField ? to_integer(values[kPartitionField]) : std::nullopt;
    const auto offset =
        values.size() > kOffsetField ? to_integer(values[kOffsetField]) : std::nullopt;
    const Position at{static_cast<std::int32_t>(partition.value_or(-1)), offset.value_or(-1)};
    const auto* logged = log_.find(order_id);
    if (logged == nullptr) {
        if (partition && offset && log_.cut().contains(at.first) && !log_.below_cut(at)) {
            ++findings_.stored_past_cut;
        } else {
            difference("unexpected order " + order_id + " (customer " + stored.customer_id +
                       ", stored at " + where(at) + ") is not in the topic below the cut");
        }
        return;
    }
    const auto stored_digests = digest(values);
    std::string changed;
    for (std::size_t i = 0; i < kComparedFields.size(); ++i) {
        if (stored_digests[i] != logged->fields[i]) {
            changed += std::string(changed.empty() ? "" : ", ") + kComparedFields[i] + " " +
                       shown(i < values.size() ? values[i] : std::nullopt);
        }
    }
    if (!changed.empty()) {
        difference("order " + order_id + " (" + where({logged->partition, logged->offset}) +
                   ") differs from the topic in: " + changed);
    }
}

void GroupAudit::add_customer(const std::string& customer_id, const CustomerSnapshot& snapshot) {
    ++findings_.customers;
    std::int64_t count = 0;
    std::int64_t sum = 0;
    for (const auto& id : snapshot.order_ids) {
        const auto it = stored_.find(id);
        if (it == stored_.end()) {
            difference("customer " + customer_id + "'s sorted set names order " + id +
                       ", which is not stored");
            continue;
        }
        if (it->second.customer_id != customer_id) {
            difference("customer " + customer_id + "'s sorted set names order " + id +
                       " of customer " + it->second.customer_id);
        }
        it->second.in_sorted_set = true;
        ++count;
        sum += it->second.total_cents;
    }
    if (snapshot.orders_count != count || snapshot.total_spent_cents != sum ||
        static_cast<std::int64_t>(snapshot.order_ids.size()) != count) {
        difference("customer " + customer_id + " aggregates differ from its stored orders: " +
                   "orders_count " + std::to_string(snapshot.orders_count) + " (stored " +
                   std::to_string(count) + "), total_spent_cents " +
                   std::to_string(snapshot.total_spent_cents) + " (sum " + std::to_string(sum) +
                   "), orders in sorted set " + std::to_string(snapshot.order_ids.size()));
    }
}

Findings GroupAudit::finish() {
    findings_.stored = static_cast<std::int64_t>(stored_.size());
    for (const auto& [id, logged] : log_.orders()) {
        if (stored_.contains(id)) {
            continue;
        }
        if (logged.offset < committed(logged.partition)) {
            difference("missing order " + id + " (" + where({logged.partition, logged.offset}) +
                       ", below the committed offset " +
                       std::to_string(committed(logged.partition)) + ")");
        } else {
            ++findings_.not_yet_consumed;
        }
    }
    for (const auto& [id, stored] : stored_) {
        if (!stored.in_sorted_set) {
            difference("order " + id + " is stored but not in the sorted set of its customer " +
                       stored.customer_id);
        }
    }
    if (stats_.processed > findings_.stored) {
        difference("processed " + std::to_string(stats_.processed) + " but only " +
                   std::to_string(findings_.stored) +
                   " order(s) stored: an order was counted twice or deleted");
    }
    const auto& dead = log_.dead_letters(group_);
    std::int64_t invalid_committed = 0;
    for (const auto& at : log_.invalid()) {
        if (at.second >= committed(at.first)) {
            continue;
        }
        ++invalid_committed;
        if (!dead.contains(at)) {
            difference("invalid message at " + where(at) +
                       " is below the committed offset but not in the dead-letter topic");
        }
    }
    for (const auto& at : dead) {
        if (!log_.below_cut(at)) {
            ++findings_.dead_letters_past_cut;
        } else if (!log_.invalid().contains(at) && !log_.redriven(at)) {
            difference("the dead-letter topic holds " + where(at) +
                       ", which is not an invalid message of the topic");
        }
    }
    if (stats_.dead_lettered > static_cast<std::int64_t>(dead.size()) ||
        stats_.dead_lettered < invalid_committed) {
        difference("dead-lettered " + std::to_string(stats_.dead_lettered) + " but the topic has " +
                   std::to_string(invalid_committed) +
                   " invalid message(s) below the committed offsets and the dead-letter topic " +
                   std::to_string(dead.size()) + " record(s) for the group");
    }
    for (const auto& [partition, end] : log_.cut()) {
        const auto at = committed(partition);
        if (at > end) {
            difference("partition " + std::to_string(partition) + ": committed " +
                       std::to_string(at) + " is past the log end " + std::to_string(end));
        } else {
            findings_.uncommitted += end - at;
        }
    }
    return std::move(findings_);
}

}  // namespace orderflow::audit
