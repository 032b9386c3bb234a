#pragma once

// `orderflow registry` as a child process on a free port against the shared stack, with its own
// `_schemas` topic and election group unless given, ready when constructed.

#include "support/test_support.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace orderflow::registry::testing {

using Json = nlohmann::json;

struct RegistryNames {
    std::string topic = test::unique_name("_schemas");
    std::string group = test::unique_name("registry");
    /// Empty: the shared stack's.
    std::string bootstrap_servers;
    /// More settings (REGISTRY_TIMEOUT, ...); they win.
    std::map<std::string, std::string> env;
};

/// Starts `orderflow registry` on 127.0.0.1:port without waiting for it; `extra` settings win.
inline std::unique_ptr<test::ChildProcess> spawn_registry(
    const RegistryNames& names,
    std::uint16_t port,
    const std::map<std::string, std::string>& extra = {}) {
    const auto log = std::filesystem::temp_directory_path() /
                     (test::unique_name("registry-" + std::to_string(port)) + ".log");
    std::map<std::string, std::string> env{
        {"KAFKA_BOOTSTRAP_SERVERS", names.bootstrap_servers.empty()
                                        ? test::shared_stack().bootstrap_servers
                                        : names.bootstrap_servers},
        {"REGISTRY_LISTEN", "127.0.0.1:" + std::to_string(port)},
        {"REGISTRY_TOPIC", names.topic},
        {"REGISTRY_GROUP", names.group},
        {"ORDERFLOW_ENV_FILE", "/nonexistent"}};
    for (const auto& [key, value] : names.env) {
        env[key] = value;
    }
    for (const auto& [key, value] : extra) {
        env[key] = value;
    }
    return std::make_unique<test::ChildProcess>(
        std::vector<std::string>{test::orderflow_binary(), "registry"}, env, log.string());
}

class RegistryProcess {
public:
    explicit RegistryProcess(const RegistryNames& names,
                             std::uint16_t port = test::free_port(),
                             std::map<std::string, std::string> extra = {})
        : names_(names), port_(port), extra_(std::move(extra)) {
        start();
    }

    void start() {
        process_ = spawn_registry(names_, port_, extra_);
        httplib::Client client("127.0.0.1", port_);
        client.set_connection_timeout(std::chrono::seconds(1));
        client.set_read_timeout(std::chrono::seconds(2));
        const bool ready = test::wait_until(
            [&] {
                if (!process_->running()) {
                    return true;  // exited: fail below with its output
                }
                const auto res = client.Get("/ready");
                return res && res->status == 200;
            },
            std::chrono::seconds(90), std::chrono::milliseconds(200));
        if (!ready || !process_->running()) {
            throw std::runtime_error("orderflow registry did not become ready:\n" +
                                     process_->output());
        }
    }

    void kill9() {
        process_->send_signal(SIGKILL);
        process_->wait(std::chrono::seconds(10));
    }

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    test::ChildProcess& process() { return *process_; }

    struct Reply {
        int status = 0;
        std::string body;
    };
    Reply request(const std::string& method,
                  const std::string& path,
                  const std::string& body = "") {
        httplib::Client client("127.0.0.1", port_);
        client.set_read_timeout(std::chrono::seconds(60));
        const char* type = "application/vnd.schemaregistry.v1+json";
        auto result = method == "GET"    ? client.Get(path.c_str())
                      : method == "POST" ? client.Post(path.c_str(), body, type)
                      : method == "PUT"  ? client.Put(path.c_str(), body, type)
                                         : client.Delete(path.c_str());
        if (!result) {
            return {0, httplib::to_string(result.error())};
        }
        return {result->status, result->body};
    }

private:
    RegistryNames names_;
    std::uint16_t port_;
    std::map<std::string, std::string> extra_;
    std::unique_ptr<test::ChildProcess> process_;
};

inline std::string schema_body(const std::string& schema) {
    Json body;
    body["schema"] = schema;
    return body.dump();
}

inline std::string record_schema(const std::string& name, int extra_fields = 0) {
    std::string fields = R"([{"name":"id","type":"string"})";
    for (int i = 0; i < extra_fields; ++i) {
        fields += R"(,{"name":"f)" + std::to_string(i) + R"(","type":"int","default":0})";
    }
    return R"({"type":"record","name":")" + name + R"(","fields":)" + fields + "]}";
}

}  // namespace orderflow::registry::testing
