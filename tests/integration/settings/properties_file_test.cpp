// `orderflow` with KAFKA_PROPERTIES_FILE against the shared (plaintext) stack: the file's
// properties reach the clients, and a password in it never reaches the output.
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace orderflow::test {
namespace {

constexpr const char* kPassword = "5f4dcc3b5aa765d61d8327deb882cf99-integration";

std::string write_properties(const std::string& text) {
    const auto path =
        std::filesystem::temp_directory_path() / (unique_name("orderflow-props") + ".properties");
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
    return path.string();
}

TEST(PropertiesFileOnTheStack, ItsBootstrapServersReplaceTheSetting) {
    const auto file = write_properties("# as kcat -F reads it\nbootstrap.servers=" +
                                       shared_stack().bootstrap_servers + "\nclient.rack=rack-a\n");
    const auto result =
        run_orderflow("admin --timeout 20 brokers", {{"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"},
                                                     {"KAFKA_PROPERTIES_FILE", file},
                                                     {"KAFKA_EXTRA", ""}});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const auto& ports = shared_stack().broker_ports;
    EXPECT_NE(result.output.find("127.0.0.1:" + ports.substr(0, ports.find(','))),
              std::string::npos)
        << result.output;
    std::filesystem::remove(file);
}

TEST(PropertiesFileOnTheStack, ItsSaslSettingsReachTheClientAndThePasswordIsNeverShown) {
    // A SASL client against a plaintext listener cannot get in: proof the file was applied.
    const auto file = write_properties("bootstrap.servers=" + shared_stack().bootstrap_servers +
                                       "\nsecurity.protocol=SASL_PLAINTEXT\n"
                                       "sasl.mechanisms=SCRAM-SHA-512\nsasl.username=producer\n"
                                       "sasl.password=" +
                                       std::string(kPassword) + "\n");
    const auto result =
        run_orderflow("admin --timeout 3 brokers",
                      {{"KAFKA_PROPERTIES_FILE", file}, {"KAFKA_EXTRA", "debug=security,broker"}});
    EXPECT_NE(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("KAFKA_PROPERTIES_FILE " + file), std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find(kPassword), std::string::npos) << result.output;
    std::filesystem::remove(file);
}

}  // namespace
}  // namespace orderflow::test
