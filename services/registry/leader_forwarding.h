#pragma once

// A follower's writes go to the leader: the request is sent on with cpp-httplib, once, with the
// caller's Authorization header, and the leader's answer is the answer. A write that arrives while
// no leader is known waits for one (woken when the leadership changes) up to a deadline, then
// answers 50004.

#include "http/message.h"
#include "registry/leadership.h"

#include <chrono>
#include <string>

namespace orderflow::registry {

class LeaderForwarder {
public:
    LeaderForwarder(const Leadership& leadership, std::chrono::milliseconds leader_wait)
        : leadership_(leadership), leader_wait_(leader_wait) {}

    /**
     * Returns false when this instance leads: the caller serves the request. Otherwise answers
     * `res` with the leader's answer (its body as `type`), or with 50004 when no leader became
     * known in time or the request was already forwarded once, or 50003 when the leader could
     * not be reached.
     */
    bool forward(const http::Request& req, http::Response& res, const std::string& type) const;

private:
    const Leadership& leadership_;
    std::chrono::milliseconds leader_wait_;
};

}  // namespace orderflow::registry
