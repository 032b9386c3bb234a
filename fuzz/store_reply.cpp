// The store function's reply (libs/redis store_call: parse_store_reply): what Redis answers an
// FCALL is outside bytes too (a library replaced by another, a proxy, a bug). A reply tree of
// any types, integers and strings, for any number of entries: either a RedisError, or outcomes
// for exactly those entries, or refusals that each name one of them.

#include "redis/connection.h"
#include "redis/store_call.h"

#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>

namespace {

using orderflow::redis::Reply;

constexpr int kTypes[] = {REDIS_REPLY_STRING, REDIS_REPLY_ARRAY,  REDIS_REPLY_INTEGER,
                          REDIS_REPLY_NIL,    REDIS_REPLY_STATUS, REDIS_REPLY_ERROR};
constexpr const char* kWords[] = {"refused", "conflicting-duplicate", "invalid-order",
                                  "store-refused", "OK"};

Reply make_reply(FuzzedDataProvider& input, int depth) {
    Reply reply;
    reply.type = input.PickValueInArray(kTypes);
    reply.integer = input.ConsumeIntegralInRange<long long>(-2, 300);
    reply.str = input.ConsumeBool() ? std::string(input.PickValueInArray(kWords))
                                    : input.ConsumeRandomLengthString(32);
    if (reply.type == REDIS_REPLY_ARRAY && depth < 2) {
        const auto count = input.ConsumeIntegralInRange<std::size_t>(0, 40);
        for (std::size_t i = 0; i < count && input.remaining_bytes() > 0; ++i) {
            reply.elements.push_back(make_reply(input, depth + 1));
        }
    }
    return reply;
}

void fail(const char* what) {
    std::fprintf(stderr, "store_reply: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const auto entries = input.ConsumeIntegralInRange<std::size_t>(1, 250);
    const auto reply = make_reply(input, 0);
    try {
        const auto parsed = orderflow::redis::parse_store_reply(reply, entries);
        if (parsed.refused.empty() && parsed.outcomes.size() != entries) {
            fail("accepted a reply without an outcome per entry");
        }
        for (const auto& refusal : parsed.refused) {
            if (refusal.entry >= entries) {
                fail("a refusal names an entry the call did not have");
            }
        }
    } catch (const orderflow::redis::RedisError&) {
        // A malformed reply: the caller retries the write, nothing is lost.
    }
    return 0;
}
