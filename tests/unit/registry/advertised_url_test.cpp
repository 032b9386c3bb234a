#include "common/config_error.h"
#include "registry/registry_command.h"

#include <gtest/gtest.h>

#include <string>

namespace orderflow::registry {
namespace {

RegistryArgs listening(const std::string& listen, const std::string& advertised = "") {
    RegistryArgs args;
    args.listen = listen;
    args.advertised_url = advertised;
    return args;
}

// The setting a ConfigError names, or "" when there was none.
std::string refused_setting(const RegistryArgs& args) {
    try {
        to_settings(args);
    } catch (const common::ConfigError& e) {
        return e.setting();
    }
    return "";
}

TEST(AdvertisedUrl, DefaultsToTheListenAddress) {
    EXPECT_EQ(to_settings(listening("10.213.0.31:8081")).advertised_url, "http://10.213.0.31:8081");
}

TEST(AdvertisedUrl, AWildcardListenAddressNeedsOne) {
    // Followers elsewhere would forward to 0.0.0.0, which is their own machine.
    EXPECT_EQ(refused_setting(listening("0.0.0.0:8081")), "REGISTRY_ADVERTISED_URL");
    EXPECT_EQ(refused_setting(listening("[::]:8081")), "REGISTRY_ADVERTISED_URL");
    EXPECT_EQ(to_settings(listening("0.0.0.0:8081", "http://registry:8081")).advertised_url,
              "http://registry:8081");
}

TEST(AdvertisedUrl, AWildcardIsNoUrlToAdvertise) {
    EXPECT_EQ(refused_setting(listening("0.0.0.0:8081", "http://0.0.0.0:8081")),
              "REGISTRY_ADVERTISED_URL");
    EXPECT_EQ(refused_setting(listening("10.0.0.1:8081", "http://0.0.0.0")),
              "REGISTRY_ADVERTISED_URL");
    EXPECT_EQ(refused_setting(listening("10.0.0.1:8081", "http://10.0.0.1:8081/")), "");
}

}  // namespace
}  // namespace orderflow::registry
