#pragma once

// The console's answers: JSON bodies, and errors as {"error":{"code","message"}}
// (docs/console-api.md, "Conventions").

#include "http/message.h"
#include "http/server.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace orderflow::console {

/// Thrown by a handler for a request it refuses; the route wrapper renders it.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }

private:
    int status_;
    std::string code_;
};

[[noreturn]] void bad_request(const std::string& message);
[[noreturn]] void not_found(const std::string& message);

void reply_json(http::Response& response, const nlohmann::json& body, int status = 200);
void reply_error(http::Response& response,
                 int status,
                 const std::string& code,
                 const std::string& message);

/// The server's own answers (404 no route, 405, 413, 503 budget, ...) in the same shape.
void render_server_error(const http::ServerError& error,
                         const http::Request* request,
                         http::Response& response);

}  // namespace orderflow::console
