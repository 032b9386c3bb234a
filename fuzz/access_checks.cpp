// Who may come in: the registry's `Authorization: Basic` check and its credentials file, the
// console's Host / Origin / Content-Type rules and CONSOLE_ALLOWED_HOSTS, and REDIS_URL with
// credentials. The first byte picks the parser, the rest is its input. A refusal is nullopt or
// a ConfigError; anything else escaping, or a caller let in with credentials the file does not
// hold, or a password left in a redacted URL, is a bug.

#include "common/config_error.h"
#include "console/same_origin.h"
#include "http/message.h"
#include "redis/redis_url.h"
#include "registry/basic_auth.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace console = orderflow::console;
namespace registry = orderflow::registry;

constexpr std::string_view kUsers = "alice: alice-secret,writer\nbob: bob-secret,reader\n";

void check_authorization(std::string_view header) {
    static const auto auth = registry::BasicAuth::parse("REGISTRY_AUTH_FILE", kUsers);
    const auto role = auth.authenticate(header);
    if (!role) {
        return;
    }
    // Let in: the header must carry one of the file's two user:password pairs.
    const auto space = header.find(' ');
    const auto decoded = registry::decode_base64(header.substr(space + 1));
    if (!decoded || (*decoded != "alice:alice-secret" && *decoded != "bob:bob-secret")) {
        std::abort();
    }
}

// Lines of the input as Host, Origin, Content-Type and Sec-Fetch-Site.
orderflow::http::Request request_of(std::string_view text, bool post) {
    orderflow::http::Request request;
    request.method = post ? "POST" : "GET";
    request.target = "/api/dlq/redrive";
    for (const char* name : {"Host", "Origin", "Content-Type", "Sec-Fetch-Site"}) {
        const auto newline = text.find('\n');
        request.headers.push_back({name, std::string(text.substr(0, newline))});
        if (newline == std::string_view::npos) {
            break;
        }
        text.remove_prefix(newline + 1);
    }
    return request;
}

std::size_t occurrences(std::string_view text, std::string_view part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

void check_redis_url(const std::string& text) {
    try {
        const auto endpoint = orderflow::redis::parse_redis_url("REDIS_URL", text);
        const auto redacted = orderflow::redis::redact_redis_url(text);
        // A password written as is (no %XX) must be cut out: the redacted URL holds it fewer
        // times than the URL does (it may still appear inside the user or the host).
        const auto& password = endpoint.password;
        const auto at = text.rfind('@');
        const auto colon = text.find(':', std::string_view("redis://").size());
        const bool written_as_is = at != std::string::npos && colon < at &&
                                   text.compare(colon + 1, at - colon - 1, password) == 0;
        if (written_as_is && !password.empty() && password.find('*') == std::string::npos &&
            occurrences(redacted, password) >= occurrences(text, password)) {
            std::abort();
        }
    } catch (const orderflow::common::ConfigError&) {
        // a bad setting: the start stops naming it
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::uint8_t selector = data[0];
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    static const console::SameOrigin policy({"127.0.0.1", 8080}, {"orders.example", "box:9000"});
    switch (selector % 6) {
        case 0:
            check_authorization(input);
            break;
        case 1:
            try {
                (void)registry::BasicAuth::parse("REGISTRY_AUTH_FILE", input);
            } catch (const orderflow::common::ConfigError&) {
            }
            break;
        case 2:
            (void)policy.host_allowed(input);
            (void)policy.origin_allowed(input);
            break;
        case 3:
            (void)console::refuse(policy, request_of(input, (selector & 0x80) != 0));
            break;
        case 4:
            try {
                (void)console::parse_allowed_hosts("CONSOLE_ALLOWED_HOSTS", input);
            } catch (const orderflow::common::ConfigError&) {
            }
            break;
        default:
            check_redis_url(input);
            break;
    }
    return 0;
}
