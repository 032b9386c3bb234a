// Redis Cluster's outside bytes (libs/redis_cluster): a node's MOVED/ASK error text, its CLUSTER
// SLOTS reply, the seed list in REDIS_URL, and the keys of a command the router is handed. The
// first byte picks the parser. Besides "no crash": a redirect names a slot and port in range, a
// slot map names only masters it lists, seeds are distinct and within the limit, and a command
// the router accepts has all its keys in the slot it names.

#include "common/config_error.h"
#include "redis/key_slot.h"
#include "redis/redis_url.h"
#include "redis_cluster/command_keys.h"
#include "redis_cluster/redirect.h"
#include "redis_cluster/slot_map.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>

namespace {

namespace rc = orderflow::redis_cluster;
using orderflow::redis::Reply;

void fail(const char* what) {
    std::fprintf(stderr, "cluster_replies: %s\n", what);
    std::abort();
}

void check_redirect(const std::string& text) {
    const auto redirect = rc::parse_redirect(text);
    if (redirect && (redirect->slot >= rc::slot_count || redirect->port == 0 ||
                     !(text.starts_with("MOVED ") || text.starts_with("ASK ")))) {
        fail("a redirect out of range");
    }
}

// Mostly CLUSTER SLOTS's shape ([first, last, [host, port, id], ...]), with every field able to
// be of another type or out of range.
Reply slot_reply(FuzzedDataProvider& input) {
    const auto integer = [&](long long low, long long high) {
        return Reply{input.ConsumeBool() ? REDIS_REPLY_INTEGER : REDIS_REPLY_STRING,
                     input.ConsumeIntegralInRange<long long>(low, high),
                     "",
                     {}};
    };
    Reply reply{input.ConsumeBool() ? REDIS_REPLY_ARRAY : REDIS_REPLY_ERROR, 0, "", {}};
    const auto ranges = input.ConsumeIntegralInRange<std::size_t>(0, 8);
    for (std::size_t i = 0; i < ranges && input.remaining_bytes() > 0; ++i) {
        Reply range{REDIS_REPLY_ARRAY, 0, "", {integer(-2, 16400), integer(-2, 16400)}};
        const auto nodes = input.ConsumeIntegralInRange<std::size_t>(0, 3);
        for (std::size_t n = 0; n < nodes; ++n) {
            range.elements.push_back(
                Reply{REDIS_REPLY_ARRAY,
                      0,
                      "",
                      {Reply{REDIS_REPLY_STRING, 0, input.ConsumeRandomLengthString(16), {}},
                       integer(-1, 70000)}});
        }
        reply.elements.push_back(std::move(range));
    }
    return reply;
}

void check_slot_map(FuzzedDataProvider& input) {
    try {
        const auto map = rc::SlotMap::from_cluster_slots(slot_reply(input), {"10.0.0.9", 7009});
        const auto masters = map.masters();
        for (std::uint16_t slot = 0; slot < rc::slot_count; slot += 97) {
            const auto master = map.master_of(slot);
            if (master && (master->port == 0 || master->host.empty() ||
                           std::find(masters.begin(), masters.end(), *master) == masters.end())) {
                fail("a slot's master is not among the map's masters");
            }
        }
    } catch (const orderflow::redis::RedisError&) {
        // not CLUSTER SLOTS's shape: the router tries the next node
    }
}

void check_seeds(const std::string& text) {
    try {
        const auto seeds = orderflow::redis::parse_redis_cluster_url("REDIS_URL", text);
        if (seeds.empty() || seeds.size() > orderflow::redis::max_cluster_seeds) {
            fail("a seed count out of range");
        }
        for (std::size_t i = 0; i < seeds.size(); ++i) {
            for (std::size_t j = i + 1; j < seeds.size(); ++j) {
                if (seeds[i].host == seeds[j].host && seeds[i].port == seeds[j].port) {
                    fail("a seed twice");
                }
            }
        }
    } catch (const orderflow::common::ConfigError&) {
        // a bad setting: the start stops naming it
    }
}

void check_command(FuzzedDataProvider& input) {
    std::vector<orderflow::redis::Command> commands(input.ConsumeIntegralInRange<int>(1, 3));
    for (auto& args : commands) {
        const auto count = input.ConsumeIntegralInRange<std::size_t>(0, 8);
        for (std::size_t i = 0; i < count; ++i) {
            args.push_back(input.ConsumeRandomLengthString(12));
        }
    }
    try {
        const auto slot = rc::common_slot(commands);
        for (const auto& args : commands) {
            for (const auto key : rc::command_keys(args)) {
                if (!slot || rc::key_slot(key) != *slot) {
                    fail("a key outside the call's slot");
                }
            }
        }
    } catch (const rc::RoutingError&) {
        // refused before sending
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    switch (input.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
            check_redirect(input.ConsumeRemainingBytesAsString());
            break;
        case 1:
            check_slot_map(input);
            break;
        case 2:
            check_seeds(input.ConsumeRemainingBytesAsString());
            break;
        default:
            check_command(input);
            break;
    }
    return 0;
}
