// GATEWAY_CLIENTS_FILE: its lines, its limits and who a Bearer token names.

#include "gateway/client_tokens.h"

#include "common/config_error.h"
#include "gateway/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace orderflow::gateway {
namespace {

const std::string kShopToken = "shop-token-0123456789";
const std::string kPartnerToken = "partner-token-9876543210";

std::string line(const std::string& name, const std::string& token) {
    return name + ": " + sha256_hex(token) + "\n";
}

ClientTokens two_clients() {
    return ClientTokens::parse(
        "GATEWAY_CLIENTS_FILE",
        "# clients\n\n" + line("shop", kShopToken) + "  " + line("partner.eu", kPartnerToken));
}

std::string clients_file_refusal(const std::string& text) {
    try {
        ClientTokens::parse("GATEWAY_CLIENTS_FILE", text);
    } catch (const common::ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ClientTokens, EachTokenNamesItsClient) {
    const auto clients = two_clients();
    EXPECT_EQ(clients.clients(), 2u);
    EXPECT_EQ(clients.authenticate("Bearer " + kShopToken), "shop");
    EXPECT_EQ(clients.authenticate("Bearer " + kPartnerToken), "partner.eu");
}

TEST(ClientTokens, TheSchemeNameIsCaseInsensitiveTheTokenIsNot) {
    const auto clients = two_clients();
    EXPECT_EQ(clients.authenticate("bearer " + kShopToken), "shop");
    EXPECT_EQ(clients.authenticate("BEARER " + kShopToken), "shop");
    EXPECT_EQ(clients.authenticate("bEaReR " + kShopToken), "shop");
    std::string upper = kShopToken;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (upper != kShopToken) {
        EXPECT_FALSE(clients.authenticate("Bearer " + upper));
    }
    EXPECT_FALSE(clients.authenticate("Bearers " + kShopToken));
}

TEST(ClientTokens, RefusesWhatIsNotAKnownBearerToken) {
    const auto clients = two_clients();
    EXPECT_FALSE(clients.authenticate(""));
    EXPECT_FALSE(clients.authenticate("Bearer "));
    EXPECT_FALSE(clients.authenticate("Bearer wrong-token"));
    EXPECT_FALSE(clients.authenticate("Basic " + kShopToken));
    EXPECT_FALSE(clients.authenticate("bearer" + kShopToken));
    // The file holds hashes: the hash itself is not a token.
    EXPECT_FALSE(clients.authenticate("Bearer " + sha256_hex(kShopToken)));
    EXPECT_FALSE(clients.authenticate("Bearer " + std::string(kMaxTokenBytes + 1, 'a')));
}

TEST(ClientTokens, ABadLineStopsTheStartNamingTheSettingAndTheLine) {
    const auto hash = sha256_hex("t");
    EXPECT_NE(clients_file_refusal("shop " + hash + "\n").find("line 1"), std::string::npos);
    EXPECT_NE(clients_file_refusal("# c\nshop: " + hash.substr(1) + "\n").find("line 2"),
              std::string::npos);
    EXPECT_NE(
        clients_file_refusal("shop: " + std::string(64, 'A') + "\n").find("64 lower-case hex"),
        std::string::npos);
    EXPECT_NE(clients_file_refusal("sh op: " + hash + "\n").find("client name"), std::string::npos);
    EXPECT_NE(clients_file_refusal("shop*: " + hash + "\n").find("client name"), std::string::npos);
    EXPECT_NE(clients_file_refusal(": " + hash + "\n").find("client name"), std::string::npos);
    EXPECT_NE(clients_file_refusal(std::string(kMaxClientNameBytes + 1, 'c') + ": " + hash)
                  .find("client name"),
              std::string::npos);
    EXPECT_NE(clients_file_refusal(line("a", "t") + line("a", "u")).find("listed twice"),
              std::string::npos);
    EXPECT_NE(clients_file_refusal(line("a", "t") + line("b", "t")).find("share one token"),
              std::string::npos);
    EXPECT_NE(clients_file_refusal("# nobody\n").find("no client"), std::string::npos);
    EXPECT_NE(clients_file_refusal("").find("GATEWAY_CLIENTS_FILE"), std::string::npos);
}

TEST(ClientTokens, MoreThanTheLimitOfClientsIsRefused) {
    std::string text;
    for (std::size_t i = 0; i <= kMaxClients; ++i) {
        text += line("c" + std::to_string(i), "t" + std::to_string(i));
    }
    EXPECT_NE(clients_file_refusal(text).find("more than"), std::string::npos);
}

TEST(ClientTokens, ClientNames) {
    EXPECT_TRUE(is_client_name("shop"));
    EXPECT_TRUE(is_client_name("Partner_1.eu-west"));
    EXPECT_FALSE(is_client_name(""));
    EXPECT_FALSE(is_client_name("a:b"));
    EXPECT_FALSE(is_client_name("a*"));
    EXPECT_FALSE(is_client_name("é"));
}

}  // namespace
}  // namespace orderflow::gateway
