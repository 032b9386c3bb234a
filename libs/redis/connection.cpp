#include "redis/connection.h"

#include "redis/acl_denial.h"

#include <memory>
#include <sys/time.h>

namespace orderflow::redis {
namespace {

struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

Reply copy_reply(const redisReply* reply) {
    Reply out;
    out.type = reply->type;
    out.integer = reply->integer;
    if (reply->str != nullptr) {
        out.str.assign(reply->str, reply->len);
    }
    for (std::size_t i = 0; i < reply->elements; ++i) {
        out.elements.push_back(copy_reply(reply->element[i]));
    }
    return out;
}

timeval to_timeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

void append(redisContext* context, const Command& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    redisAppendCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data());
}

}  // namespace

Connection::Connection(redis::RedisEndpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {
    connect();
}

Connection::~Connection() {
    drop();
}

std::string Connection::address() const {
    return endpoint_.host + ":" + std::to_string(endpoint_.port) + "/" +
           std::to_string(endpoint_.database);
}

void Connection::drop() {
    if (context_ != nullptr) {
        redisFree(context_);
        context_ = nullptr;
    }
}

void Connection::fail(const std::string& what) {
    const std::string reason =
        context_ != nullptr && context_->errstr[0] != '\0' ? context_->errstr : "no reply";
    drop();
    throw RedisError("redis " + address() + ": " + what + ": " + reason);
}

void Connection::connect() {
    drop();
    const auto tv = to_timeval(timeout_);
    context_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
    if (context_ == nullptr) {
        throw RedisError("redis " + address() + ": cannot allocate a context");
    }
    if (context_->err != 0) {
        fail("cannot connect");
    }
    redisSetTimeout(context_, tv);
    redisEnableKeepAlive(context_);
    authenticate();
    if (endpoint_.database != 0) {
        const auto reply = command({"SELECT", std::to_string(endpoint_.database)});
        if (reply.is_error()) {
            drop();
            throw RedisError("redis " + address() + ": SELECT failed: " + reply.str);
        }
    }
}

// On every connect, so a reconnect is authenticated too. Without a password a PING finds out
// at once whether Redis wants one, rather than the first write failing with NOAUTH.
void Connection::authenticate() {
    Command args{"PING"};
    if (!endpoint_.password.empty()) {
        args = endpoint_.user.empty() ? Command{"AUTH", endpoint_.password}
                                      : Command{"AUTH", endpoint_.user, endpoint_.password};
    }
    const auto reply = command(args);
    if (reply.is_error()) {
        drop();
        const std::string who = endpoint_.password.empty() ? "without a password"
                                : endpoint_.user.empty()   ? "with the password"
                                                           : "as user \"" + endpoint_.user + "\"";
        const auto message = "redis " + address() + ": authentication " + who +
                             " from REDIS_URL refused: " + reply.str;
        if (is_acl_denial(reply.str)) {
            throw AclDenied(message);
        }
        throw RedisError(message);
    }
}

Reply Connection::command_on(const std::string& node, const Command& args) {
    if (node != address()) {
        throw RedisError("redis " + address() + ": asked to send to node " + node);
    }
    return command(args);
}

Reply Connection::command(const Command& args) {
    return std::move(pipeline({args}).front());
}

std::vector<Reply> Connection::pipeline(const std::vector<Command>& commands) {
    if (context_ == nullptr) {
        connect();
    }
    for (const auto& args : commands) {
        append(context_, args);
    }
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
            fail("pipeline of " + std::to_string(commands.size()) + " command(s) failed");
        }
        const ReplyPtr reply(static_cast<redisReply*>(raw));
        replies.push_back(copy_reply(reply.get()));
    }
    return replies;
}

}  // namespace orderflow::redis
