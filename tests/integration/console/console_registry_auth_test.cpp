// The console against a registry that runs with REGISTRY_AUTH_FILE: its overview probes the
// registry with SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, so the registry shows as up, and the
// password lands in no line the console logs.
#include "integration/console/console_harness.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

TEST(ConsoleRegistryAuth, TheOverviewAsksTheRegistryWithTheUserInfoAndSeesItUp) {
    const auto users =
        std::filesystem::temp_directory_path() / (unique_name("console-users") + ".txt");
    std::ofstream(users) << "viewer: viewer-secret-9,reader\n";
    ::chmod(users.c_str(), 0600);
    RegistryProcess registry({{"REGISTRY_AUTH_FILE", users.string()}});
    Pipeline pipeline(registry.url());
    ConsoleProcess console(pipeline,
                           {{"SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "viewer:viewer-secret-9"}});

    nlohmann::json registry_part;
    ASSERT_TRUE(wait_until(
        [&] {
            const auto overview = console.get("/api/overview").json();
            for (const auto& part : overview.value("parts", nlohmann::json::array())) {
                if (part["name"] == "registry") {
                    registry_part = part;
                    return part["health"] == "up";
                }
            }
            return false;
        },
        seconds(30), std::chrono::milliseconds(500)))
        << registry_part.dump();
    EXPECT_EQ(console.output().find("viewer-secret-9"), std::string::npos) << console.output();
    std::filesystem::remove(users);
}

}  // namespace
}  // namespace orderflow::test
