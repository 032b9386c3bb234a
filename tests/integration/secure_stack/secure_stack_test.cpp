// The secure profile as `SECURE=1 make up` starts it (fixture secure_stack, secure_stack.sh):
// every service runs as its own principal; this checks that the pipeline still works, and that
// Kafka, Redis, the registry, the console and the gateway refuse strangers and hold each
// principal to its job.
#include "common/env_file.h"
#include "redis/key_names.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/stat.h>

namespace orderflow::test {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// DIR/stack.env of the fixture: ports, addresses, the secrets directory.
const std::map<std::string, std::string>& stack() {
    static const auto env = [] {
        const char* path = std::getenv("ORDERFLOW_SECURE_STACK_ENV");
        if (path == nullptr) {
            throw std::runtime_error("ORDERFLOW_SECURE_STACK_ENV unset: run under ctest");
        }
        std::map<std::string, std::string> values;
        for (auto& [key, value] : common::parse_env_file(read_file(path), path)) {
            values[key] = value;
        }
        return values;
    }();
    return env;
}

std::string setting(const std::string& key) {
    return stack().at(key);
}

std::filesystem::path secrets() {
    return setting("SECRETS_DIR");
}

std::string password(const std::string& principal) {
    auto text = read_file(secrets() / (principal + ".password"));
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    return text;
}

// redis-cli as `user` (empty: nobody), the password through the environment, never argv.
CommandResult redis_as(const std::string& user, const std::string& pass, const std::string& args) {
    std::string line = "redis-cli --no-auth-warning -h 127.0.0.1 -p " + setting("REDIS_PORT");
    if (!user.empty()) {
        line = "REDISCLI_AUTH=" + shell_quote(pass) + " " + line + " --user " + shell_quote(user);
    }
    return run_command(line + " " + args + " 2>&1");
}

CommandResult redis_as(const std::string& principal, const std::string& args) {
    return redis_as(principal, password(principal), args);
}

// An orderflow command as `principal`: its credentials file, as the services get theirs.
// `extra` (the environment) wins over the principal's file.
CommandResult orderflow_as(const std::string& principal,
                           const std::string& args,
                           std::map<std::string, std::string> extra = {}) {
    extra.insert({{"SECURE", "1"},
                  {"ORDERFLOW_ENV_FILE", setting("ORDERFLOW_ENV_FILE")},
                  {"ORDERFLOW_SECRETS_FILE", (secrets() / (principal + ".env")).string()},
                  {"KAFKA_BOOTSTRAP_SERVERS", setting("KAFKA_BOOTSTRAP_SERVERS")},
                  {"SCHEMA_REGISTRY_URL", setting("SCHEMA_REGISTRY_URL")}});
    return run_orderflow(args, extra);
}

/// `key` for a redis-cli command line (a partition's keys hold braces).
std::string key_arg(const std::string& key) {
    return shell_quote(key);
}

/// The group's processed count: the sum of its stats pieces, one per partition of `orders`.
std::string stored_count(const std::string& group) {
    long long sum = 0;
    for (std::int32_t partition = 0; partition < 5; ++partition) {
        const auto key = key_arg(orderflow::redis::stats_key(group, partition));
        sum += std::atoll(redis_as("admin", "HGET " + key + " processed").output.c_str());
    }
    return std::to_string(sum);
}

TEST(SecureStack, OrdersFlowThroughEveryServiceRunningAsItsOwnPrincipalAndTheAuditIsClean) {
    // The fixture waited for the producer service's orders; other tests on this stack may add
    // theirs since, and the audit below checks each order is stored once per group.
    const auto count = std::stoi(setting("PRODUCE_COUNT"));
    for (const auto* group : {"orders-auto", "orders-batch"}) {
        const auto stored = stored_count(group);
        EXPECT_GE(std::atoi(stored.c_str()), count) << group << " stored " << stored;
    }

    const auto audit = orderflow_as("audit", "audit --live true");
    EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

TEST(SecureStack, SecretsAreReadableByTheirOwnerOnlyAndNoPasswordReachesALog) {
    struct stat info {};
    ASSERT_EQ(::stat(secrets().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700U);
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(secrets())) {
        ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 077, 0U) << entry.path();
        ++files;
    }
    EXPECT_GT(files, 10);

    std::vector<std::string> passwords;
    for (const auto& entry : std::filesystem::directory_iterator(secrets())) {
        if (entry.path().extension() == ".password") {
            passwords.push_back(read_file(entry.path()).substr(0, 64));
        }
    }
    ASSERT_GE(passwords.size(), 8U);
    const std::filesystem::path run = setting("ORDERFLOW_RUN_DIR");
    int logs = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(run)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_regular_file() ||
            entry.path().string().find("/secrets/") != std::string::npos ||
            (name.find(".log") == std::string::npos && name.find(".out") == std::string::npos)) {
            continue;
        }
        ++logs;
        const auto text = read_file(entry.path());
        for (const auto& secret : passwords) {
            EXPECT_EQ(text.find(secret), std::string::npos) << "a password in " << entry.path();
        }
    }
    EXPECT_GT(logs, 5);
}

TEST(SecureStack, RedisRefusesStrangersAndHoldsEachUserToItsKeysAndCommands) {
    EXPECT_NE(redis_as("", "", "PING").output.find("NOAUTH"), std::string::npos);
    EXPECT_NE(redis_as("admin", "wrong-password", "PING").output.find("WRONGPASS"),
              std::string::npos);
    EXPECT_EQ(redis_as("consumer-auto", "PING").output, "PONG\n");

    const auto denied = [](const CommandResult& result) {
        return result.output.find("NOPERM") != std::string::npos;
    };
    EXPECT_TRUE(denied(redis_as("consumer-auto", "FLUSHALL")));
    EXPECT_TRUE(denied(redis_as("consumer-auto", "CONFIG SET appendonly no")));
    using orderflow::redis::offsets_key;
    using orderflow::redis::stats_key;
    const auto auto_stats = key_arg(stats_key("orders-auto", 2));
    const auto batch_stats = key_arg(stats_key("orders-batch", 2));
    EXPECT_TRUE(denied(redis_as("consumer-auto", "HGETALL " + batch_stats)));
    EXPECT_TRUE(
        denied(redis_as("consumer-auto", "DEL " + key_arg(offsets_key("orders-batch", 0)))));
    EXPECT_FALSE(denied(redis_as("consumer-auto", "HGETALL " + auto_stats)));
    EXPECT_FALSE(denied(redis_as("consumer-auto", "SADD partitions:orders-auto 2")));
    EXPECT_TRUE(denied(redis_as("consumer-auto", "SADD partitions:orders-batch 2")));
    EXPECT_TRUE(denied(redis_as("consumer-batch", "HGETALL " + auto_stats)));
    EXPECT_FALSE(denied(redis_as("console", "HGETALL " + batch_stats)));
    EXPECT_FALSE(denied(redis_as("console", "SMEMBERS partitions:orders-batch")));
    EXPECT_TRUE(denied(redis_as("console", "HSET " + auto_stats + " processed 0")));
    EXPECT_TRUE(denied(redis_as("console", "FLUSHALL")));
    EXPECT_TRUE(denied(redis_as("audit", "DEL " + auto_stats)));
    EXPECT_FALSE(denied(redis_as("audit", "HGETALL " + key_arg(offsets_key("orders-auto", 1)))));
}

// FUNCTION LOAD changes the code every user's FCALL runs: only admin loads the store's library
// (at `make up`); the consumers may only call it. A library lost under them holds their orders,
// with a log line saying who loads it, until admin has loaded it again; then nothing is missing.
TEST(SecureStack, OnlyAdminLoadsTheStoresFunctionLibraryAndTheConsumersHoldUntilItIsThere) {
    const auto denied = [](const CommandResult& result) {
        return result.output.find("NOPERM") != std::string::npos;
    };
    EXPECT_NE(redis_as("admin", "FUNCTION LIST LIBRARYNAME 'orderflow_store_*'")
                  .output.find("orderflow_store_"),
              std::string::npos);
    for (const auto* user : {"consumer-auto", "consumer-batch", "console", "audit"}) {
        EXPECT_TRUE(denied(redis_as(user, "FUNCTION LOAD \"#!lua name=x\"")));
        EXPECT_TRUE(denied(redis_as(user, "FUNCTION FLUSH")));
    }

    const auto before = std::atoi(stored_count("orders-auto").c_str());
    const auto batch_before = std::atoi(stored_count("orders-batch").c_str());
    ASSERT_EQ(redis_as("admin", "FUNCTION FLUSH").output, "OK\n");
    const auto sent = orderflow_as("producer", "produce --count 10 --interval 5ms");
    ASSERT_EQ(sent.exit_code, 0) << sent.output;
    const std::filesystem::path log =
        std::filesystem::path(setting("ORDERFLOW_RUN_DIR")) / "logs" / "consumer-auto.log";
    const std::string held = "user \"consumer-auto\" may not load it (FUNCTION LOAD)";
    ASSERT_TRUE(wait_until([&] { return read_file(log).find(held) != std::string::npos; }, 60s))
        << read_file(log).substr(read_file(log).size() > 4000 ? read_file(log).size() - 4000 : 0);
    EXPECT_EQ(std::atoi(stored_count("orders-auto").c_str()), before);

    const auto loaded = orderflow_as("admin", "admin redis-functions");
    ASSERT_EQ(loaded.exit_code, 0) << loaded.output;
    EXPECT_NE(loaded.output.find("loaded orderflow_store_"), std::string::npos) << loaded.output;
    // The auto group stores all ten. The batch group writes whole batches only, and tests
    // beside this one put records in `orders` that it dead-letters (not counted as stored):
    // the ten complete at least one batch, so it stores again, not necessarily ten.
    EXPECT_TRUE(wait_until(
        [&] {
            return std::atoi(stored_count("orders-auto").c_str()) >= before + 10 &&
                   std::atoi(stored_count("orders-batch").c_str()) > batch_before;
        },
        90s));
    const auto audit = orderflow_as("audit", "audit --live true");
    EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

httplib::Result registry_request(const std::string& user,
                                 const std::string& pass,
                                 const std::string& method,
                                 const std::string& path) {
    httplib::Client client(setting("SCHEMA_REGISTRY_URL"));
    client.set_connection_timeout(5s);
    client.set_read_timeout(30s);
    if (!user.empty()) {
        client.set_basic_auth(user, pass);
    }
    if (method == "GET") {
        return client.Get(path);
    }
    if (method == "DELETE") {
        return client.Delete(path);
    }
    return client.Post(path, R"({"schema":"\"string\""})",
                       "application/vnd.schemaregistry.v1+json");
}

int registry_status(const std::string& principal,
                    const std::string& method,
                    const std::string& path) {
    const auto result = registry_request(principal, password(principal), method, path);
    return result ? result->status : -1;
}

TEST(SecureStack, TheRegistryRefusesStrangersAndOnlyTheProducerAndAdminWrite) {
    auto anonymous = registry_request("", "", "GET", "/subjects");
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401);
    auto wrong = registry_request("producer", "wrong-password", "GET", "/subjects");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);

    auto subjects =
        registry_request("consumer-auto", password("consumer-auto"), "GET", "/subjects");
    ASSERT_TRUE(subjects);
    EXPECT_EQ(subjects->status, 200);
    EXPECT_NE(subjects->body.find("orders-value"), std::string::npos) << subjects->body;

    const std::string subject = "/subjects/" + unique_name("secure") + "/versions";
    for (const auto* reader : {"consumer-auto", "consumer-batch", "console", "audit"}) {
        EXPECT_EQ(registry_status(reader, "POST", subject), 403) << reader;
    }
    EXPECT_EQ(registry_status("console", "DELETE", "/subjects/orders-value"), 403);
    EXPECT_EQ(registry_status("producer", "POST", subject), 200);
    EXPECT_EQ(registry_status("admin", "POST", subject), 200);
}

TEST(SecureStack, KafkaRefusesStrangersAndEachPrincipalIsDeniedWhatIsNotItsJob) {
    const auto bootstrap = setting("KAFKA_BOOTSTRAP_SERVERS");
    // A plaintext client on a SASL_SSL listener gets no metadata at all.
    EXPECT_NE(run_command("kcat -b " + bootstrap + " -L -m 5 2>&1").exit_code, 0);

    const auto wrong =
        std::filesystem::temp_directory_path() / (unique_name("wrong") + ".properties");
    {
        std::string text = read_file(secrets() / "producer.properties");
        const auto at = text.find(password("producer"));
        ASSERT_NE(at, std::string::npos);
        text.replace(at, 64, std::string(64, '0'));
        std::ofstream(wrong) << text;
        std::filesystem::permissions(
            wrong, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
    const auto refused = run_command("kcat -F " + wrong.string() + " -L -m 5 2>&1");
    std::filesystem::remove(wrong);
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.output.find("uthentication"), std::string::npos) << refused.output;

    // The console may read but not write: its one write action is refused by Kafka, by name.
    const auto failed = std::filesystem::temp_directory_path() / (unique_name("failed") + ".jsonl");
    const auto console_send =
        orderflow_as("console", "produce --count 1 --interval 10ms --retries 0 --failed-file " +
                                    failed.string());
    std::filesystem::remove(failed);
    EXPECT_NE(console_send.exit_code, 0) << console_send.output;
    EXPECT_NE(console_send.output.find("not authorized as principal 'console'"), std::string::npos)
        << console_send.output;

    // The producer writes orders; reading them back (as the audit does) is not its job.
    // (Its Redis reads go as the audit user: the producer has no Redis user at all.)
    const auto producer_reads =
        orderflow_as("producer", "audit --live true",
                     {{"REDIS_URL", "redis://audit:" + password("audit") +
                                        "@127.0.0.1:" + setting("REDIS_PORT") + "/0"}});
    EXPECT_NE(producer_reads.exit_code, 0) << producer_reads.output;
    EXPECT_NE(producer_reads.output.find("not authorized as principal 'producer'"),
              std::string::npos)
        << producer_reads.output;
    // A consumer reads orders but may not write them.
    const auto consumer_send = orderflow_as(
        "consumer-auto",
        "produce --count 1 --interval 10ms --retries 0 --failed-file " + failed.string());
    std::filesystem::remove(failed);
    EXPECT_NE(consumer_send.exit_code, 0) << consumer_send.output;
    EXPECT_NE(consumer_send.output.find("not authorized as principal 'consumer-auto'"),
              std::string::npos)
        << consumer_send.output;

    // admin may do all of it: the same audit as admin is clean.
    const auto admin_reads = orderflow_as("admin", "audit --live true");
    EXPECT_EQ(admin_reads.exit_code, 0) << admin_reads.output;
}

httplib::Headers console_headers(const std::string& host) {
    return {{"Host", host}};
}

TEST(SecureStack, TheConsoleNeedsItsTokenAndRefusesForeignHostsAndCrossOriginActions) {
    const auto url = setting("CONSOLE_URL");
    const auto host = url.substr(std::string("http://").size());
    const auto token = read_file(secrets() / "console.token").substr(0, 48);
    httplib::Client console(url);
    console.set_read_timeout(30s);

    auto no_token = console.Get("/api/topics", console_headers(host));
    ASSERT_TRUE(no_token);
    EXPECT_EQ(no_token->status, 401);

    console.set_bearer_token_auth(token);
    auto topics = console.Get("/api/topics", console_headers(host));
    ASSERT_TRUE(topics);
    EXPECT_EQ(topics->status, 200) << topics->body;
    EXPECT_NE(topics->body.find("\"orders\""), std::string::npos) << topics->body;

    auto rebinding = console.Get(
        "/api/topics", console_headers("attacker.example:" + host.substr(host.find(':') + 1)));
    ASSERT_TRUE(rebinding);
    EXPECT_EQ(rebinding->status, 421);

    const std::string confirm = R"({"confirm": true})";
    auto cross_origin = console.Post("/api/actions/test-order",
                                     {{"Host", host}, {"Origin", "http://attacker.example"}},
                                     confirm, "application/json");
    ASSERT_TRUE(cross_origin);
    EXPECT_EQ(cross_origin->status, 403);

    // Same origin and the token: the console asks Kafka, which refuses its principal a write.
    auto same_origin = console.Post("/api/actions/test-order", {{"Host", host}, {"Origin", url}},
                                    confirm, "application/json");
    ASSERT_TRUE(same_origin);
    EXPECT_EQ(same_origin->status, 403) << same_origin->body;
    EXPECT_NE(same_origin->body.find("not authorized as principal 'console'"), std::string::npos)
        << same_origin->body;
}

std::string token_of(const std::string& client) {
    return read_file(secrets() / ("gateway-" + client + ".token")).substr(0, 64);
}

// The gateway under its own principal: a client's token or 401; its Kafka principal writes
// orders and may not read them; its Redis user keeps Idempotency-Keys and only reads orders.
TEST(SecureStack, TheGatewayNeedsAClientsTokenWritesOnlyOrdersAndReadsOnlyTheStore) {
    httplib::Client gateway(setting("GATEWAY_URL"));
    gateway.set_read_timeout(40s);
    const std::string order = R"({"customer_id":"secure-gw","currency":"EUR","items":[)"
                              R"({"sku":"S-1","name":"a","quantity":1,"unit_price_cents":500}]})";
    const auto anonymous = gateway.Post("/v1/orders", order, "application/json");
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << anonymous->body;
    const auto shop_token = token_of("shop");
    // The clients file holds hashes only.
    EXPECT_EQ(read_file(secrets() / "gateway-clients").find(shop_token), std::string::npos);

    gateway.set_bearer_token_auth(shop_token);
    const auto placed = gateway.Post("/v1/orders", {{"Idempotency-Key", unique_name("secure")}},
                                     order, "application/json");
    ASSERT_TRUE(placed);
    ASSERT_EQ(placed->status, 201) << placed->body;
    const auto location = placed->get_header_value("Location");
    const auto stored = gateway.Get(location + "?wait=30s&group=orders-auto");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, 200) << stored->body;
    const auto customer = gateway.Get("/v1/customers/secure-gw?group=orders-auto");
    ASSERT_TRUE(customer);
    EXPECT_EQ(customer->status, 200) << customer->body;
    // Its Idempotency-Key record under the client's own name, marked acknowledged.
    const bool marked = wait_until(
        [&] {
            const auto keys = redis_as("admin", "--scan --pattern 'idempotency:shop:*'").output;
            std::istringstream lines(keys);
            for (std::string key; std::getline(lines, key);) {
                if (redis_as("admin", "GET " + key).output.find(R"("acknowledged":true)") !=
                    std::string::npos) {
                    return true;
                }
            }
            return false;
        },
        10s, 200ms);
    EXPECT_TRUE(marked);

    // People's commands come in as the client admin (GATEWAY_TOKEN in admin.env).
    const auto failed = std::filesystem::temp_directory_path() / (unique_name("failed") + ".jsonl");
    const auto via_gateway =
        orderflow_as("admin", "produce --count 3 --rate 20 --via-gateway " +
                                  setting("GATEWAY_URL") + " --failed-file " + failed.string());
    std::filesystem::remove(failed);
    EXPECT_EQ(via_gateway.exit_code, 0) << via_gateway.output;

    // Kafka: the gateway's principal writes orders but may not read them back.
    const auto gateway_reads =
        orderflow_as("gateway", "audit --live true",
                     {{"REDIS_URL", "redis://audit:" + password("audit") +
                                        "@127.0.0.1:" + setting("REDIS_PORT") + "/0"}});
    EXPECT_NE(gateway_reads.exit_code, 0) << gateway_reads.output;
    EXPECT_NE(gateway_reads.output.find("not authorized as principal 'gateway'"), std::string::npos)
        << gateway_reads.output;

    // Redis: its own records, read-only orders and customers, nothing else.
    const auto denied = [](const CommandResult& result) {
        return result.output.find("NOPERM") != std::string::npos;
    };
    EXPECT_FALSE(denied(redis_as("gateway", "SET idempotency:probe 1 PX 1000")));
    const auto customer_piece =
        key_arg(orderflow::redis::customer_key("orders-auto", 1, "secure-gw"));
    const auto stats = key_arg(orderflow::redis::stats_key("orders-auto", 1));
    EXPECT_FALSE(denied(redis_as("gateway", "HGETALL " + customer_piece)));
    EXPECT_FALSE(denied(redis_as("gateway", "SMEMBERS partitions:orders-batch")));
    EXPECT_TRUE(denied(redis_as("gateway", "HSET " + customer_piece + " orders_count 0")));
    EXPECT_TRUE(denied(
        redis_as("gateway", "DEL " + key_arg(orderflow::redis::order_key("orders-auto", 1, "x")))));
    EXPECT_TRUE(denied(redis_as("gateway", "HGETALL " + stats)));
    EXPECT_TRUE(denied(redis_as("gateway", "SET " + stats + " 1")));
    EXPECT_TRUE(denied(redis_as("gateway", "FLUSHALL")));

    // No client's token in any log.
    const std::filesystem::path logs = std::filesystem::path(setting("ORDERFLOW_RUN_DIR")) / "logs";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(logs)) {
        if (entry.is_regular_file()) {
            const auto text = read_file(entry.path());
            EXPECT_EQ(text.find(shop_token), std::string::npos) << entry.path();
            EXPECT_EQ(text.find(token_of("admin")), std::string::npos) << entry.path();
        }
    }
}

}  // namespace
}  // namespace orderflow::test
