#include "integration/console/console_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace orderflow::test {
namespace {

TEST(ConsoleConfig, BadSettingsAndATakenPortStopAtStartNamingTheSetting) {
    const Pipeline pipeline("http://127.0.0.1:1");
    const std::map<std::string, std::string> cases = {
        {"CONSOLE_LISTEN", "nowhere"},
        {"CONSOLE_WEB_DIR", "/no/such/dir"},
        {"CONSOLE_CONSUMER_URLS", "orders-auto"},
        {"CONSOLE_PRODUCER_URL", "ftp://x"},
        {"CONSOLE_GATEWAY_URL", "127.0.0.1:8082"},
        {"CONSOLE_TOKEN", "short"},
        {"CONSOLE_KAFKA_TIMEOUT", "10m"},
        {"CONSOLE_HTTP_IO_THREADS", "0"},
        {"CONSOLE_ALLOWED_HOSTS", "http://console.example"},
    };
    for (const auto& [setting, value] : cases) {
        std::map<std::string, std::string> env = {{"CONSOLE_WEB_DIR", pipeline.work_dir}};
        env[setting] = value;
        const auto result = pipeline.run("console", env);
        EXPECT_EQ(result.exit_code, 2) << setting << ": " << result.output;
        EXPECT_NE(result.output.find(setting), std::string::npos) << result.output;
    }

    // A port already taken.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const auto taken = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    const auto result = pipeline.run(
        "console", {{"CONSOLE_LISTEN", taken}, {"CONSOLE_WEB_DIR", pipeline.work_dir}});
    close(fd);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("CONSOLE_LISTEN"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace orderflow::test
