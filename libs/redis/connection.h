#pragma once

// A hiredis (0.14) connection with RAII, reconnect on the next call after an I/O error, and
// pipelining: every command of a pipeline is written in one go, then every reply is read.

#include "redis/client.h"
#include "redis/redis_url.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <string>
#include <vector>

namespace orderflow::redis {

/**
 * Not thread-safe (a redisContext is not). Connects in the constructor and authenticates with
 * the endpoint's user and password (Errors: RedisError naming host:port and, when Redis refuses
 * the credentials, REDIS_URL and its WRONGPASS/NOAUTH reply; never the password). After an I/O
 * error the context is dropped and the next call connects again, since hiredis says a context that
 * failed cannot be reused.
 */
class Connection : public Client {
public:
    Connection(redis::RedisEndpoint endpoint,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~Connection() override;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// One command; an error reply is returned as a Reply, not thrown. Errors: RedisError.
    Reply command(const Command& args) override;

    /// Appends every command, then reads as many replies, in order. Error replies are
    /// returned in place; an I/O error throws RedisError and drops the connection.
    std::vector<Reply> pipeline(const std::vector<Command>& commands) override;

    /// Whether a context is open (it may still turn out broken on the next call).
    bool connected() const { return context_ != nullptr; }
    std::string address() const override;
    /// The user Redis sees: REDIS_URL's, or "default" when it names none.
    std::string user() const override {
        return endpoint_.user.empty() ? "default" : endpoint_.user;
    }
    /// One node: this one.
    std::vector<std::string> nodes() override { return {address()}; }
    Reply command_on(const std::string& node, const Command& args) override;

private:
    void connect();
    void authenticate();
    void drop();
    [[noreturn]] void fail(const std::string& what);

    redis::RedisEndpoint endpoint_;
    std::chrono::milliseconds timeout_;
    redisContext* context_ = nullptr;
};

}  // namespace orderflow::redis
