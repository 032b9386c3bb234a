#include "console/supervisor_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace orderflow::console {
namespace {

const nlohmann::json kState = nlohmann::json::parse(R"({
  "consumer-auto": {"restarts": 1, "last_exit": "terminated by SIGSEGV",
                    "url": "http://127.0.0.1:8092", "state": "RUNNING"},
  "registry": {"restarts": 0, "last_exit": null, "url": "http://127.0.0.1:8081"},
  "producer": {"restarts": 0, "last_exit": "exit status 0", "url": null}
})");

TEST(SupervisorState, PartsGetRestartsAndLastExitByTheirUrl) {
    auto parts = nlohmann::json::parse(R"([
      {"name": "consumer-auto-x1", "health": "up", "url": "http://127.0.0.1:8092"},
      {"name": "registry", "health": "up", "url": "http://127.0.0.1:8081/"},
      {"name": "kafka", "health": "up"}
    ])");
    add_supervisor_state(parts, kState);
    EXPECT_EQ(parts[0]["restarts"], 1);
    EXPECT_EQ(parts[0]["last_exit"], "terminated by SIGSEGV");
    EXPECT_EQ(parts[1]["restarts"], 0);
    EXPECT_TRUE(parts[1]["last_exit"].is_null());
    EXPECT_FALSE(parts[2].contains("restarts"));  // not a supervised program
}

TEST(SupervisorState, PartWithoutAMatchingUrlIsFoundByName) {
    auto parts = nlohmann::json::parse(R"([
      {"name": "producer", "health": "down", "url": "http://127.0.0.1:8091"}
    ])");
    add_supervisor_state(parts, kState);
    EXPECT_EQ(parts[0]["last_exit"], "exit status 0");
}

TEST(SupervisorState, MissingEmptyOrBrokenFileIsNoState) {
    EXPECT_EQ(read_supervisor_state(""), nlohmann::json::object());
    EXPECT_EQ(read_supervisor_state("/nonexistent/state.json"), nlohmann::json::object());
    const auto path = std::filesystem::temp_directory_path() / "supervisor-state-test.json";
    std::ofstream(path) << "{\"consumer-auto\": {\"restarts\": 1";  // cut short
    EXPECT_EQ(read_supervisor_state(path.string()), nlohmann::json::object());
    std::ofstream(path) << kState.dump();
    EXPECT_EQ(read_supervisor_state(path.string()), kState);
    std::filesystem::remove(path);
}

TEST(SupervisorState, OddValuesInTheFileDoNotLeakIntoTheAnswer) {
    auto parts = nlohmann::json::parse(R"([{"name": "registry", "health": "up"}])");
    add_supervisor_state(
        parts, nlohmann::json::parse(R"({"registry": {"restarts": "many", "last_exit": 7}})"));
    EXPECT_EQ(parts[0]["restarts"], 0);
    EXPECT_TRUE(parts[0]["last_exit"].is_null());
}

}  // namespace
}  // namespace orderflow::console
