// scripts/kafka-cluster.sh in its sasl_ssl profile: the commands that look at the secure stack
// (status, quorum, apply-acls) and the settings it refuses before starting anything.
#include "support/secure_stack.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace orderflow::test {
namespace {

std::string script() {
    return repo_root() + "/scripts/kafka-cluster.sh";
}

// The script with the secure stack's directories and ports (from its stack.env).
CommandResult on_secure_stack(const std::string& command, const std::string& env = "") {
    const auto& stack = secure_stack();
    return run_command(env + " " + script() + " " + command + " --security sasl_ssl --secrets " +
                       shell_quote(stack.secrets_dir) + " --dir " + shell_quote(stack.kafka_dir) +
                       " --broker-ports " + stack.broker_ports + " --controller-ports " +
                       stack.controller_ports);
}

std::string temp_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / unique_name(name);
    std::filesystem::create_directories(dir);
    return dir.string();
}

TEST(SecureKafkaScript, StatusAndQuorumAuthenticateAsAdmin) {
    const auto status = on_secure_stack("status");
    ASSERT_EQ(status.exit_code, 0) << status.output;
    for (const auto* node : {"kafka-1", "kafka-2", "kafka-3"}) {
        EXPECT_NE(status.output.find(std::string(node) + "  pid"), std::string::npos)
            << status.output;
    }
    EXPECT_EQ(status.output.find("starting"), std::string::npos) << status.output;
    const auto quorum = on_secure_stack("quorum");
    ASSERT_EQ(quorum.exit_code, 0) << quorum.output;
    EXPECT_NE(quorum.output.find("LeaderId:"), std::string::npos) << quorum.output;
}

TEST(SecureKafkaScript, ApplyingTheAclsAgainChangesNothing) {
    const auto again = on_secure_stack("apply-acls");
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find(" 0 created, 0 removed"), std::string::npos) << again.output;
}

TEST(SecureKafkaScript, ABadAclListStopsNamingItsLine) {
    const auto dir = temp_dir("acls");
    std::ofstream(dir + "/acls.txt") << "# comment\nproducer topic orders WRITE\n"
                                     << "producer topics orders WRITE\n";
    const auto java =
        run_command("java -cp \"$(" + repo_root() + "/scripts/fetch-kafka.sh)/*\" " + repo_root() +
                    "/scripts/kafka/AclApply.java /nonexistent.properties " + dir + "/acls.txt");
    EXPECT_EQ(java.exit_code, 1) << java.output;
    EXPECT_NE(java.output.find("acls.txt:3: resource type 'topics'"), std::string::npos)
        << java.output;
    std::filesystem::remove_all(dir);
}

TEST(SecureKafkaScript, SecurityModesAreCheckedBeforeAnythingStarts) {
    const auto dir = temp_dir("kafka");
    const auto unknown = run_command(script() + " status --dir " + dir + " --security tls");
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.output.find("--security (KAFKA_SECURITY) must be plaintext or sasl_ssl, "
                                  "got 'tls'"),
              std::string::npos)
        << unknown.output;
    const auto no_secrets =
        run_command("KAFKA_SECURITY=sasl_ssl " + script() + " start --dir " + dir);
    EXPECT_EQ(no_secrets.exit_code, 1);
    EXPECT_NE(no_secrets.output.find("--security sasl_ssl needs --secrets DIR (KAFKA_SECRETS_DIR)"),
              std::string::npos)
        << no_secrets.output;
    const auto plaintext_acls = run_command(script() + " apply-acls --dir " + dir);
    EXPECT_EQ(plaintext_acls.exit_code, 1);
    EXPECT_NE(plaintext_acls.output.find("apply-acls needs --security sasl_ssl"), std::string::npos)
        << plaintext_acls.output;
    std::filesystem::remove_all(dir);
}

TEST(SecureKafkaScript, AClusterStartsOnlyInTheProfileItWasFormattedFor) {
    const auto& stack = secure_stack();
    const auto as_plaintext = run_command(
        script() + " start --security plaintext --dir " + stack.kafka_dir + " --broker-ports " +
        stack.broker_ports + " --controller-ports " + stack.controller_ports);
    EXPECT_EQ(as_plaintext.exit_code, 1);
    EXPECT_NE(as_plaintext.output.find("was formatted for --security sasl_ssl, not plaintext"),
              std::string::npos)
        << as_plaintext.output;

    // A plaintext cluster (formatted before profiles existed: a cluster id, no profile file).
    const auto dir = temp_dir("kafka");
    std::ofstream(dir + "/cluster.id") << "MkU3OEVBNTcwNTJENDM2Qk\n";
    const auto as_secure = run_command(script() + " start-node 1 --dir " + dir +
                                       " --security sasl_ssl --secrets " + dir + "/secrets");
    EXPECT_EQ(as_secure.exit_code, 1);
    EXPECT_NE(as_secure.output.find("was formatted for --security plaintext, not sasl_ssl"),
              std::string::npos)
        << as_secure.output;
    std::filesystem::remove_all(dir);
}

TEST(SecureKafkaScript, SecretsAreReadableByTheirOwnerOnly) {
    const auto& secrets = secure_stack().secrets_dir;
    struct stat info {};
    ASSERT_EQ(::stat(secrets.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(secrets)) {
        ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 0777, 0600u) << entry.path();
        ++files;
    }
    // ca.pem, ca.key, 3 keystores, a password per principal, 7 .properties, admin.java.properties
    EXPECT_GE(files, 20);
    for (int node = 1; node <= 3; ++node) {
        const auto config =
            secure_stack().kafka_dir + "/conf/server-" + std::to_string(node) + ".properties";
        ASSERT_EQ(::stat(config.c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 0777, 0600u) << config;
    }
}

}  // namespace
}  // namespace orderflow::test
