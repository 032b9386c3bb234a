#include "registry/leader_forwarding.h"

#include "registry/api_error.h"
#include "registry/content_negotiation.h"

#include <httplib.h>

namespace orderflow::registry {
namespace {

// Marks a forwarded request: a leader that thinks another instance leads answers 50004
// instead of forwarding it again.
constexpr const char* kForwardedHeader = "X-Orderflow-Forwarded";

httplib::Result send(httplib::Client& client,
                     const http::Request& req,
                     const httplib::Headers& headers) {
    const auto content_type = req.header("Content-Type");
    const auto body_type = content_type.empty() ? std::string("application/json") : content_type;
    if (req.method == "POST") {
        return client.Post(req.target.c_str(), headers, req.body, body_type.c_str());
    }
    if (req.method == "PUT") {
        return client.Put(req.target.c_str(), headers, req.body, body_type.c_str());
    }
    return client.Delete(req.target.c_str(), headers);
}

}  // namespace

bool LeaderForwarder::forward(const http::Request& req,
                              http::Response& res,
                              const std::string& type) const {
    leadership_.wait_for_leader(std::chrono::steady_clock::now() + leader_wait_);
    if (leadership_.is_leader()) {
        return false;
    }
    const auto url = leadership_.leader_url();
    if (!url || req.has_header(kForwardedHeader)) {
        set_error(res, errors::unknown_leader());
        return true;
    }
    httplib::Client client(*url);
    client.set_connection_timeout(std::chrono::seconds(5));
    client.set_read_timeout(std::chrono::seconds(60));
    httplib::Headers headers = {{kForwardedHeader, "true"}, {"Accept", type}};
    // The caller's credentials go along: the leader decides on the write.
    if (const auto authorization = req.header("Authorization"); !authorization.empty()) {
        headers.emplace("Authorization", authorization);
    }
    const auto result = send(client, req, headers);
    if (!result) {
        set_error(res, errors::forwarding_failed(*url + ": " + httplib::to_string(result.error())));
        return true;
    }
    res.status = result->status;
    res.set_body(result->body, type);
    return true;
}

}  // namespace orderflow::registry
