#include "consumer/redis_watch.h"

#include "redis/acl_denial.h"
#include "redis/key_names.h"

#include <cstdio>
#include <random>

namespace orderflow::consumer {
namespace {

std::string run_token() {
    std::random_device device;
    char text[17];
    std::snprintf(text, sizeof text, "%08x%08x", device(), device());
    return text;
}

}  // namespace

RedisWatch::RedisWatch(redis::Connection& connection,
                       const std::string& group,
                       std::chrono::milliseconds every,
                       std::chrono::milliseconds expiry)
    : connection_(connection),
      key_(redis::watch_key(group, run_token())),
      every_(every),
      expiry_ms_(std::to_string(expiry.count())) {}

bool RedisWatch::lost(Clock::time_point now) {
    if (now < next_check_) {
        return false;
    }
    next_check_ = now + every_;
    if (!armed_) {
        arm();
        return false;
    }
    const redis::Command refresh = {"PEXPIRE", key_, expiry_ms_};
    const auto reply = connection_.command(refresh);
    if (reply.is_error()) {
        redis::throw_reply_error(connection_, "refreshing the watch marker", refresh, reply);
    }
    return reply.integer == 0;
}

void RedisWatch::arm() {
    const redis::Command set = {"SET", key_, "1", "PX", expiry_ms_};
    const auto reply = connection_.command(set);
    if (reply.is_error()) {
        redis::throw_reply_error(connection_, "setting the watch marker", set, reply);
    }
    armed_ = true;
}

}  // namespace orderflow::consumer
