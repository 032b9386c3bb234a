#include "support/secure_stack.h"

#include "common/env_file.h"
#include "kafka/properties_file.h"

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

kafka::ClientSettings secure_client(const std::string& principal) {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = secure_stack().bootstrap_servers;
    settings.client_id = "secure-test-" + principal;
    settings.properties =
        kafka::load_properties_file(secure_stack().secrets_dir + "/" + principal + ".properties");
    return settings;
}

}  // namespace orderflow::test
