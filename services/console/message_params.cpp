#include "console/message_params.h"

#include "console/api_reply.h"

#include <charconv>

namespace orderflow::console {
namespace {

std::optional<std::string> single(const std::multimap<std::string, std::string>& params,
                                  const std::string& name) {
    if (params.count(name) > 1) {
        bad_request(name + ": given more than once");
    }
    const auto it = params.find(name);
    return it != params.end() ? std::optional(it->second) : std::nullopt;
}

std::int64_t number(const std::string& name,
                    const std::string& text,
                    std::int64_t min,
                    std::int64_t max) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || ptr != end) {
        bad_request(name + ": '" + text + "' is not a whole number");
    }
    if (value < min || value > max) {
        bad_request(name + ": " + text + " is not between " + std::to_string(min) + " and " +
                    std::to_string(max));
    }
    return value;
}

}  // namespace

topic_browser::MessageQuery parse_message_query(
    const std::multimap<std::string, std::string>& params) {
    topic_browser::MessageQuery query;
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    if (const auto text = single(params, "partition")) {
        query.partition = static_cast<std::int32_t>(number("partition", *text, 0, 1 << 20));
    }
    if (const auto text = single(params, "offset")) {
        query.offset = number("offset", *text, 0, kMax);
        if (!query.partition) {
            bad_request("offset: needs a partition (offsets are per partition)");
        }
    }
    if (const auto text = single(params, "timestamp")) {
        query.timestamp_ms = number("timestamp", *text, 0, kMax);
    }
    if (query.offset && query.timestamp_ms) {
        bad_request("offset and timestamp: give one start, not both");
    }
    if (const auto text = single(params, "from")) {
        if (*text == "beginning") {
            query.from_beginning = true;
        } else if (*text != "newest") {
            bad_request("from: '" + *text + "' is neither newest nor beginning");
        }
    }
    if (const auto text = single(params, "limit")) {
        const auto limit = number("limit", *text, 1, kMax);
        if (limit > static_cast<std::int64_t>(topic_browser::kMaxLimit)) {
            bad_request("limit: " + *text + " is over the cap of " +
                        std::to_string(topic_browser::kMaxLimit));
        }
        query.limit = static_cast<std::size_t>(limit);
    }
    query.key = single(params, "key");
    query.text = single(params, "q").value_or("");
    return query;
}

}  // namespace orderflow::console
