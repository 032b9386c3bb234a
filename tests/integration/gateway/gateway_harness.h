#pragma once

// `orderflow gateway` for the gateway's tests: started on a free port against one test's
// Pipeline, and HTTP calls to it.

#include "integration/pipeline/pipeline_harness.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace orderflow::test {

struct GatewayReply {
    int status = 0;  // 0: no answer
    std::string body;
    std::string location;
    std::string retry_after;
    std::string replayed;  // Idempotent-Replayed
    std::string www_authenticate;
    nlohmann::json json() const;  // throws when the body is not JSON
};

class GatewayProcess {
public:
    /// Starts the gateway with pipeline.env(extra) and waits until /health answers 200.
    GatewayProcess(const Pipeline& pipeline, const std::map<std::string, std::string>& extra = {});

    std::uint16_t port() const { return port_; }
    bool running() { return process_->running(); }
    std::string output() const { return process_->output(); }
    /// SIGTERM; the exit code (-1 when it has not exited within 30 s).
    int stop();

    GatewayReply get(const std::string& target,
                     const std::map<std::string, std::string>& headers = {}) const;
    GatewayReply post(const std::string& target,
                      const std::string& body,
                      const std::map<std::string, std::string>& headers = {}) const;

private:
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

/// A valid order body for customer `customer`: two items, EUR, DE, card.
nlohmann::json order_body(const std::string& customer);

/// Waits until `topic` exists (the consumers create it), up to 60 s.
bool wait_for_topic(const std::string& topic);

}  // namespace orderflow::test
