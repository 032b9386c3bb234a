// The gateway's GATEWAY_CLIENTS_FILE and the `Authorization` header checked against it
// (services/gateway client_tokens): both are outside bytes. The first byte picks: even, the
// input is a clients file, parsed or refused with a ConfigError; odd, it is a header value,
// which names the one client of a fixed file only when it is exactly that client's token. A
// throw of anything else, a crash, or a client let in with another token is a bug.

#include "common/config_error.h"
#include "gateway/client_tokens.h"
#include "gateway/sha256.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace gateway = orderflow::gateway;

constexpr std::string_view kToken = "shop-secret-token";

void check_header(std::string_view header) {
    static const auto clients = gateway::ClientTokens::parse(
        "GATEWAY_CLIENTS_FILE", "shop: " + gateway::sha256_hex(kToken) + "\n");
    const auto client = clients.authenticate(header);
    if (client && (*client != "shop" || header.find(kToken) == std::string_view::npos)) {
        std::abort();
    }
}

void check_file(std::string_view text) {
    try {
        const auto clients = gateway::ClientTokens::parse("GATEWAY_CLIENTS_FILE", text);
        if (clients.clients() == 0 || clients.clients() > gateway::kMaxClients) {
            std::abort();
        }
    } catch (const orderflow::common::ConfigError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        check_file(input);
    } else {
        check_header(input);
    }
    return 0;
}
