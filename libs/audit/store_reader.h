#pragma once

#include "audit/audit_compare.h"
#include "redis/client.h"

#include <string>

namespace orderflow::audit {

/**
 * Feeds one group's Redis state to `audit`: every order hash (SCAN order:{g:* on every node, a
 * cluster's masters; ids decoded as redis/key_names.h encodes them; one pipelined HMGET per
 * page), then every customer's aggregates and sorted set of each partition, read together in a
 * MULTI/EXEC so that they are one moment's state of that partition, and summed per customer; orders
 * a sorted set names that the scan did not see (stored since) are read before the customer is
 * judged. Memory stays one page. Errors: RedisError.
 */
void read_store(redis::Client& redis, const std::string& group, GroupAudit& audit);

}  // namespace orderflow::audit
