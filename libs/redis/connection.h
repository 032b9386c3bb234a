#pragma once

// A hiredis (0.14) connection with RAII, reconnect on the next call after an I/O error, and
// pipelining: every command of a pipeline is written in one go, then every reply is read.

#include "redis/redis_url.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace orderflow::redis {

/**
 * Redis could not be used: not reachable, timed out, or the connection broke mid-pipeline.
 * Whether the commands in flight were applied is unknown; callers retry idempotent commands.
 */
class RedisError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/**
 * Redis's ACL refused the connection's user: a login (WRONGPASS, NOAUTH), a command or a key
 * (NOPERM, or a refused call inside a script). Fixed by the ACL, not by this process, so it is
 * an outage like any RedisError (see redis/acl_denial.h).
 */
class AclDenied : public RedisError {
public:
    using RedisError::RedisError;
};

/// One reply, copied out of hiredis's reply tree.
struct Reply {
    int type = REDIS_REPLY_NIL;  ///< REDIS_REPLY_STRING, _ARRAY, _INTEGER, _NIL, _STATUS, _ERROR
    long long integer = 0;
    std::string str;  ///< string, status and error text
    std::vector<Reply> elements;

    bool is_error() const { return type == REDIS_REPLY_ERROR; }
    bool is_nil() const { return type == REDIS_REPLY_NIL; }
};

using Command = std::vector<std::string>;

/**
 * Not thread-safe (a redisContext is not). Connects in the constructor and authenticates with
 * the endpoint's user and password (Errors: RedisError naming host:port and, when Redis refuses
 * the credentials, REDIS_URL and its WRONGPASS/NOAUTH reply; never the password). After an I/O
 * error the context is dropped and the next call connects again, since hiredis says a context that
 * failed cannot be reused.
 */
class Connection {
public:
    Connection(redis::RedisEndpoint endpoint,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// One command; an error reply is returned as a Reply, not thrown. Errors: RedisError.
    Reply command(const Command& args);

    /// Appends every command, then reads as many replies, in order. Error replies are
    /// returned in place; an I/O error throws RedisError and drops the connection.
    std::vector<Reply> pipeline(const std::vector<Command>& commands);

    /// Whether a context is open (it may still turn out broken on the next call).
    bool connected() const { return context_ != nullptr; }
    std::string address() const;
    /// The user Redis sees: REDIS_URL's, or "default" when it names none.
    std::string user() const { return endpoint_.user.empty() ? "default" : endpoint_.user; }

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
