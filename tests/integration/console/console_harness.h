#pragma once

// `orderflow console` for the console's tests: started on a free port against one test's
// Pipeline, with a web folder of its own (an index.html, a static file, and a secret beside the
// folder that no path may reach).

#include "integration/pipeline/pipeline_harness.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace orderflow::test {

struct ApiReply {
    int status = 0;  // 0: no answer
    std::string body;
    std::string content_type;
    std::string set_cookie;
    std::string location;
    nlohmann::json json() const;  // throws when the body is not JSON
};

class ConsoleProcess {
public:
    /// Starts the console with pipeline.env(extra) and waits until /health answers.
    ConsoleProcess(const Pipeline& pipeline, const std::map<std::string, std::string>& extra = {});

    std::uint16_t port() const { return port_; }
    const std::string& web_dir() const { return web_dir_; }
    std::string output() const { return process_->output(); }
    pid_t pid() const { return process_->pid(); }

    ApiReply get(const std::string& target,
                 const std::map<std::string, std::string>& headers = {}) const;
    ApiReply post(const std::string& target,
                  const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) const;

    /// "GET <target> HTTP/1.1" naming this console in Host (as a browser does), with the extra
    /// header lines (each ending in \r\n), for RawConnection.
    std::string raw_get(const std::string& target, const std::string& extra_headers = "") const;

private:
    std::uint16_t port_ = 0;
    std::string web_dir_;
    std::unique_ptr<ChildProcess> process_;
};

/// The first "<marker>" of index.html the harness writes.
inline constexpr const char* kIndexMarker = "console-test-index";

}  // namespace orderflow::test
