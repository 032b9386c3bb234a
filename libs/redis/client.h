#pragma once

// What the store's readers and writers call Redis through: one Redis (redis::Connection) or a
// Redis Cluster (redis_cluster::ClusterConnection), so that a service runs on either with the
// same code. The key layout (key_names.h) puts every key one call names in one slot.

#include <hiredis/hiredis.h>

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
 * Not thread-safe. Errors of every call: RedisError (AclDenied when the ACL refused the login).
 * Whether a call that failed mid-way was applied is unknown; callers retry idempotent calls.
 */
class Client {
public:
    virtual ~Client() = default;

    /// One command; an error reply is returned as a Reply, not thrown.
    virtual Reply command(const Command& args) = 0;
    /// The commands in order, their replies in order (error replies in place). On a cluster each
    /// command's keys must share a slot, and commands of different slots may be mixed: they go
    /// to their slots' masters, one pipeline per master.
    virtual std::vector<Reply> pipeline(const std::vector<Command>& commands) = 0;

    /// The nodes that hold keys (one Redis: itself; a cluster: its masters now), for what walks
    /// one node's keyspace (SCAN) or must reach every node (FUNCTION LOAD).
    virtual std::vector<std::string> nodes() = 0;
    /// `args` on `node`, one of nodes().
    virtual Reply command_on(const std::string& node, const Command& args) = 0;

    /// Where it is connected ("host:port/db", or a cluster's seeds), for messages.
    virtual std::string address() const = 0;
    /// The user Redis sees: REDIS_URL's, or "default" when it names none.
    virtual std::string user() const = 0;
    /// How often the nodes that serve the keys changed since the start (a cluster's failover
    /// promotes a replica that may lack the last writes); 0 for one Redis.
    virtual int master_changes() const { return 0; }
};

}  // namespace orderflow::redis
