#pragma once

#include "topic_browser/message_query.h"

#include <map>
#include <string>

namespace orderflow::console {

/**
 * Pure. The query of /api/topics/{t}/messages (and its stream): partition, offset (needs
 * partition), timestamp (ms), from (newest|beginning), limit (1..500, default 50), key, q.
 * Errors: ApiError 400 naming the parameter.
 */
topic_browser::MessageQuery parse_message_query(
    const std::multimap<std::string, std::string>& params);

}  // namespace orderflow::console
