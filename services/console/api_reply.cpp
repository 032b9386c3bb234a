#include "console/api_reply.h"

#include "topic_browser/message.h"

namespace orderflow::console {
namespace {

std::string code_of(http::Failure failure) {
    switch (failure) {
        case http::Failure::bad_request:
            return "bad_request";
        case http::Failure::not_found:
            return "not_found";
        case http::Failure::method_not_allowed:
            return "method_not_allowed";
        case http::Failure::payload_too_large:
            return "payload_too_large";
        case http::Failure::header_too_large:
            return "header_too_large";
        case http::Failure::handler_failed:
            return "internal";
        case http::Failure::over_capacity:
        case http::Failure::budget_exceeded:
            return "unavailable";
    }
    return "internal";
}

}  // namespace

void bad_request(const std::string& message) {
    throw ApiError(400, "bad_request", message);
}

void not_found(const std::string& message) {
    throw ApiError(404, "not_found", message);
}

void reply_json(http::Response& response, const nlohmann::json& body, int status) {
    response.status = status;
    response.set_body(topic_browser::dump(body), "application/json; charset=utf-8");
    response.set_header("Cache-Control", "no-store");
}

void reply_error(http::Response& response,
                 int status,
                 const std::string& code,
                 const std::string& message) {
    reply_json(response, {{"error", {{"code", code}, {"message", message}}}}, status);
}

void render_server_error(const http::ServerError& error,
                         const http::Request* /*request*/,
                         http::Response& response) {
    const auto allow = [&response] {
        for (const auto& [name, value] : response.headers) {
            if (http::iequals(name, "Allow")) {
                return value;
            }
        }
        return std::string();
    }();
    reply_error(response, error.status, code_of(error.failure), error.message);
    if (!allow.empty()) {
        response.set_header("Allow", allow);
    }
}

}  // namespace orderflow::console
