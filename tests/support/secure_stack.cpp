#include "support/secure_stack.h"

#include "common/env_file.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace orderflow::test {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

const SecureStackEnv& secure_stack() {
    static const SecureStackEnv env = [] {
        const char* path = std::getenv("ORDERFLOW_SECURE_STACK_ENV");
        const std::string file = path != nullptr ? path : ORDERFLOW_SECURE_STACK_ENV_DEFAULT;
        if (!std::filesystem::exists(file)) {
            throw std::runtime_error("no secure test stack at " + file +
                                     ": run this test through ctest (fixture `secure_stack`)");
        }
        std::map<std::string, std::string> values;
        for (auto& [key, value] : common::parse_env_file(read_text(file), file)) {
            values[key] = value;
        }
        return SecureStackEnv{values["KAFKA_BOOTSTRAP_SERVERS"], values["REDIS_URL"],
                              values["KAFKA_CLUSTER_DIR"],       values["KAFKA_SECRETS_DIR"],
                              values["KAFKA_BROKER_PORTS"],      values["KAFKA_CONTROLLER_PORTS"]};
    }();
    return env;
}

std::vector<kafka::Property> read_kafka_properties(const std::string& path) {
    std::vector<kafka::Property> properties;
    std::istringstream lines(read_text(path));
    std::string line;
    while (std::getline(lines, line)) {
        const auto equals = line.find('=');
        if (line.empty() || line.front() == '#' || equals == std::string::npos) {
            continue;
        }
        properties.emplace_back(line.substr(0, equals), line.substr(equals + 1));
    }
    return properties;
}

kafka::ClientSettings secure_client(const std::string& principal) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = secure_stack().bootstrap_servers;
    settings.client_id = "secure-test-" + principal;
    settings.extra =
        read_kafka_properties(secure_stack().secrets_dir + "/" + principal + ".properties");
    return settings;
}

}  // namespace orderflow::test
