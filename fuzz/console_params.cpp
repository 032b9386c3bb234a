// The console's query parameters: the raw request target a browser sends, through libs/http's
// target helpers (path split, percent-decoding, query parameters) into the message query
// (services/console message_params) and the Redis views' request checks (libs/redis_browser
// browse_request). A refusal is ApiError / BadRequest (a 400); anything else escaping is a bug.

#include "console/api_reply.h"
#include "console/message_params.h"
#include "http/message.h"
#include "http/router.h"
#include "redis_browser/browse_request.h"
#include "topic_browser/message_query.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

namespace http = orderflow::http;
namespace redis_browser = orderflow::redis_browser;

// As the Redis routes read cursor, offset and count, then the checks the views run.
void check_redis_params(const std::multimap<std::string, std::string>& params) {
    if (const auto it = params.find("cursor"); it != params.end()) {
        redis_browser::check_cursor(it->second);
    }
    for (const char* name : {"count", "offset"}) {
        const auto it = params.find(name);
        if (it == params.end()) {
            continue;
        }
        std::int64_t value = 0;
        const auto& text = it->second;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size()) {
            continue;  // the route answers 400 before the views see it
        }
        if (std::string(name) == "count") {
            redis_browser::check_count(static_cast<std::size_t>(value));
        } else {
            redis_browser::check_offset(value);
        }
    }
    if (const auto it = params.find("id"); it != params.end()) {
        redis_browser::check_not_empty(it->second, "id");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    http::Request request;
    request.method = "GET";
    request.target.assign(reinterpret_cast<const char*>(data), size);
    (void)http::split_path(request.target);
    (void)request.path();
    const auto params = request.query_params();
    try {
        const auto query = orderflow::console::parse_message_query(params);
        if (query.limit < 1 || query.limit > orderflow::topic_browser::kMaxLimit) {
            std::abort();  // a limit outside the cap reached the topic reader
        }
        // Two partitions, one of them trimmed: where the page would start and end.
        const std::map<std::int32_t, orderflow::kafka::Watermarks> marks = {{0, {0, 100}},
                                                                            {1, {40, 45}}};
        try {
            (void)orderflow::topic_browser::plan_read(query, marks, {{0, 7}, {1, 44}});
        } catch (const std::invalid_argument&) {
            // partition or offset outside the topic: the console's 400
        }
    } catch (const orderflow::console::ApiError& e) {
        if (e.status() != 400) {
            std::abort();
        }
    }
    try {
        check_redis_params(params);
    } catch (const redis_browser::BadRequest&) {
        // a 400
    }
    return 0;
}
