// What the gateway answers when the HTTP server answers by itself: our error body, and never a
// handler's exception text (it may name internals; the server logs it).
#include "gateway/gateway_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace orderflow::gateway {
namespace {

nlohmann::json rendered(int status, http::Failure failure, const std::string& message) {
    http::Response response;
    response.status = status;
    render_server_error({status, failure, message}, nullptr, response);
    return nlohmann::json::parse(response.body);
}

TEST(ServerErrorTest, AHandlerThatThrewIsAnInternalErrorWithoutTheExceptionText) {
    const auto body = rendered(500, http::Failure::handler_failed,
                               "basic_string::at: __n (which is 7) >= this->size() (which is 3)");
    EXPECT_EQ(body["error"]["code"], "internal");
    EXPECT_EQ(body["error"]["message"].get<std::string>().find("basic_string"), std::string::npos);
}

TEST(ServerErrorTest, TheServersOwnAnswersKeepTheirCodesAndMessages) {
    EXPECT_EQ(rendered(404, http::Failure::not_found, "HTTP 404 Not Found")["error"]["code"],
              "not_found");
    EXPECT_EQ(rendered(413, http::Failure::payload_too_large, "too large")["error"]["code"],
              "too_large");
    const auto busy = rendered(503, http::Failure::over_capacity, "over capacity");
    EXPECT_EQ(busy["error"]["code"], "unavailable");
    EXPECT_EQ(busy["error"]["message"], "over capacity");
    EXPECT_EQ(rendered(400, http::Failure::bad_request, "bad")["error"]["code"], "bad_request");
}

}  // namespace
}  // namespace orderflow::gateway
