#include "redis_browser/reply_check.h"

namespace orderflow::redis_browser {
namespace {

ScanStep step_of(redis::Client& redis, const redis::Command& command, redis::Reply answer) {
    const auto reply = checked(std::move(answer), redis, command[0]);
    if (reply.elements.size() != 2) {
        throw redis::RedisError("redis " + redis.address() + ": " + command[0] +
                                " gave no cursor and page");
    }
    ScanStep step{reply.elements[0].str, {}};
    step.items.reserve(reply.elements[1].elements.size());
    for (const auto& item : reply.elements[1].elements) {
        step.items.push_back(item.str);
    }
    return step;
}

}  // namespace

const redis::Reply& checked(const redis::Reply& reply,
                            const redis::Client& redis,
                            const std::string& what) {
    if (reply.is_error()) {
        throw redis::RedisError("redis " + redis.address() + ": " + what + " failed: " + reply.str);
    }
    return reply;
}

redis::Reply checked(redis::Reply&& reply, const redis::Client& redis, const std::string& what) {
    checked(static_cast<const redis::Reply&>(reply), redis, what);
    return std::move(reply);
}

ScanStep scan_step(redis::Client& redis, const redis::Command& command) {
    return step_of(redis, command, redis.command(command));
}

ScanStep scan_step(redis::Client& redis, const std::string& node, const redis::Command& command) {
    return step_of(redis, command, redis.command_on(node, command));
}

}  // namespace orderflow::redis_browser
