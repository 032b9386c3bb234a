#include "audit/audit_compare.h"

namespace orderflow::audit {

std::vector<std::string> compare(const LogContents& log, const GroupState& state) {
    std::vector<std::string> differences;
    std::map<std::string, CustomerAggregate> expected_customers;
    for (const auto& [id, logged] : log.orders) {
        auto& customer = expected_customers[logged.customer_id];
        ++customer.orders_count;
        customer.total_spent_cents += logged.total_cents;
        ++customer.sorted_set_size;
        const auto stored = state.orders.find(id);
        const std::string where = " (partition " + std::to_string(logged.partition) + " offset " +
                                  std::to_string(logged.offset) + ")";
        if (stored == state.orders.end()) {
            differences.push_back("missing order " + id + where);
        } else if (stored->second.customer_id != logged.customer_id ||
                   stored->second.total_cents != logged.total_cents) {
            differences.push_back("order " + id + " differs" + where + ": stored customer " +
                                  stored->second.customer_id + " total " +
                                  std::to_string(stored->second.total_cents) +
                                  ", logged customer " + logged.customer_id + " total " +
                                  std::to_string(logged.total_cents));
        }
    }
    for (const auto& [id, stored] : state.orders) {
        if (!log.orders.contains(id)) {
            differences.push_back("unexpected order " + id + " (customer " + stored.customer_id +
                                  ") is not in the topic");
        }
    }
    const auto distinct = static_cast<std::int64_t>(log.orders.size());
    if (state.stats.processed > distinct) {
        differences.push_back("duplicated orders: processed " +
                              std::to_string(state.stats.processed) + " but the topic has " +
                              std::to_string(distinct) + " distinct orders");
    }
    for (const auto& [customer, expected] : expected_customers) {
        const auto found = state.customers.find(customer);
        const CustomerAggregate actual =
            found == state.customers.end() ? CustomerAggregate{} : found->second;
        if (actual.orders_count != expected.orders_count ||
            actual.total_spent_cents != expected.total_spent_cents ||
            actual.sorted_set_size != expected.sorted_set_size) {
            differences.push_back("customer " + customer + " aggregates differ: orders_count " +
                                  std::to_string(actual.orders_count) + " (sum " +
                                  std::to_string(expected.orders_count) + "), total_spent_cents " +
                                  std::to_string(actual.total_spent_cents) + " (sum " +
                                  std::to_string(expected.total_spent_cents) +
                                  "), orders in sorted set " +
                                  std::to_string(actual.sorted_set_size));
        }
    }
    for (const auto& [customer, actual] : state.customers) {
        if (!expected_customers.contains(customer)) {
            differences.push_back("unexpected customer " + customer + " with " +
                                  std::to_string(actual.orders_count) + " order(s)");
        }
    }
    if (state.stats.dead_lettered != log.invalid) {
        differences.push_back("dead-lettered " + std::to_string(state.stats.dead_lettered) +
                              " but the topic has " + std::to_string(log.invalid) +
                              " invalid message(s)");
    }
    for (const auto& [partition, end] : log.end_offsets) {
        const auto found = state.committed.find(partition);
        const std::int64_t committed = found == state.committed.end() ? -1 : found->second;
        if (end > 0 && committed != end) {
            differences.push_back(
                "partition " + std::to_string(partition) + ": committed " +
                (committed < 0 ? std::string("nothing") : std::to_string(committed)) +
                ", log end " + std::to_string(end));
        }
    }
    return differences;
}

}  // namespace orderflow::audit
