// The ACLs are what the real binaries need: `orderflow registry` as `registry` (creates and
// owns _schemas, elects itself in its group) and `orderflow produce` as `producer` (checks both
// topics, registers the schema, writes orders idempotently) run on the secure cluster. Their
// credentials go in KAFKA_EXTRA here; the services read them from KAFKA_PROPERTIES_FILE.
#include "support/secure_stack.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace orderflow::test {
namespace {

// `principal`'s connection: the secure stack's brokers and its properties as KAFKA_EXTRA.
std::map<std::string, std::string> kafka_env(const std::string& principal) {
    std::string extra;
    for (const auto& [key, value] :
         read_kafka_properties(secure_stack().secrets_dir + "/" + principal + ".properties")) {
        if (key != "bootstrap.servers") {
            extra += (extra.empty() ? "" : ";") + key + "=" + value;
        }
    }
    return {{"KAFKA_BOOTSTRAP_SERVERS", secure_stack().bootstrap_servers},
            {"KAFKA_EXTRA", extra},
            {"ORDERFLOW_ENV_FILE", "/nonexistent/.env"}};
}

TEST(SecureKafkaBinaries, RegistryAndProducerRunWithTheirOwnAclsOnly) {
    const auto dir = std::filesystem::temp_directory_path() / unique_name("secure-binaries");
    std::filesystem::create_directories(dir);
    const auto registry_url = "http://127.0.0.1:" + std::to_string(free_port());
    const auto listen = registry_url.substr(std::string("http://").size());
    ChildProcess registry({orderflow_binary(), "registry", "--listen", listen},
                          kafka_env("registry"), (dir / "registry.log").string());
    ASSERT_TRUE(wait_until(
        [&] {
            return !registry.running() ||
                   registry.output().find("registry ready on") != std::string::npos;
        },
        std::chrono::seconds(60)));
    ASSERT_TRUE(registry.running()) << registry.output();

    auto producer_env = kafka_env("producer");
    producer_env["SCHEMA_REGISTRY_URL"] = registry_url;
    const auto produced = run_orderflow(
        "produce --count 5 --interval 0 --failed-file " + shell_quote((dir / "failed").string()),
        producer_env);
    EXPECT_EQ(produced.exit_code, 0) << produced.output;
    EXPECT_NE(produced.output.find("delivered 5 retried 0 failed 0"), std::string::npos)
        << produced.output;
    EXPECT_EQ(produced.output.find(producer_env["KAFKA_EXTRA"]), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orderflow::test
