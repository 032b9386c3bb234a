#pragma once

// A registry HTTP server on an ephemeral port over an in-memory record log: the real routing,
// negotiation, handlers and store, with `_schemas` records applied directly.

#include "registry/http_server.h"
#include "registry/record_log.h"
#include "registry/registry_api.h"
#include "registry/schema_store.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace orderflow::registry::testing {

using Json = nlohmann::json;

struct Reply {
    int status = 0;
    std::string body;
    std::string content_type;
    Json json() const { return Json::parse(body); }
    int error_code() const { return json().at("error_code").get<int>(); }
};

inline const char* kV1 = "application/vnd.schemaregistry.v1+json";

class RegistryServerTest : public ::testing::Test {
protected:
    void SetUp() override { start(); }

    /// `auth`: basic authentication for the server (none when null).
    void start(RegistryOptions options = {}, std::shared_ptr<const BasicAuth> auth = nullptr) {
        server_.reset();
        api_ = std::make_unique<RegistryApi>(store_, log_, options);
        HttpOptions http;
        http.port = 0;
        http.threads = 4;
        http.max_body_bytes = 1 << 20;
        http.auth = std::move(auth);
        server_ = std::make_unique<HttpServer>(*api_, leader_, HealthProbe{}, http);
        server_->start();
        client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
        client_->set_read_timeout(std::chrono::seconds(10));
    }

    static Reply to_reply(const httplib::Result& result) {
        EXPECT_TRUE(result) << "no HTTP answer";
        if (!result) {
            return {};
        }
        return {result->status, result->body, result->get_header_value("Content-Type")};
    }

    Reply get(const std::string& path, const httplib::Headers& headers = {}) {
        return to_reply(client_->Get(path.c_str(), headers));
    }
    Reply post(const std::string& path,
               const std::string& body,
               const std::string& type = kV1,
               const httplib::Headers& headers = {}) {
        return to_reply(client_->Post(path.c_str(), headers, body, type.c_str()));
    }
    Reply put(const std::string& path,
              const std::string& body,
              const std::string& type = kV1,
              const httplib::Headers& headers = {}) {
        return to_reply(client_->Put(path.c_str(), headers, body, type.c_str()));
    }
    Reply del(const std::string& path, const httplib::Headers& headers = {}) {
        return to_reply(client_->Delete(path.c_str(), headers));
    }

    static std::string schema_body(const std::string& schema,
                                   const std::string& type = "AVRO",
                                   const Json& references = Json::array()) {
        Json body;
        body["schema"] = schema;
        body["schemaType"] = type;
        body["references"] = references;
        return body.dump();
    }

    /// Registers and returns the id (asserting 200).
    int register_schema(const std::string& subject,
                        const std::string& schema,
                        const std::string& type = "AVRO") {
        const auto reply = post("/subjects/" + subject + "/versions", schema_body(schema, type));
        EXPECT_EQ(reply.status, 200) << reply.body;
        return reply.status == 200 ? reply.json().at("id").get<int>() : -1;
    }

    static std::string record_schema(const std::string& name,
                                     const std::string& extra_fields = "") {
        return R"({"type":"record","name":")" + name +
               R"(","namespace":"com.acme","fields":[{"name":"id","type":"string"})" +
               extra_fields + "]}";
    }

    static void expect_error(const Reply& reply, int status, int code) {
        EXPECT_EQ(reply.status, status) << reply.body;
        ASSERT_FALSE(reply.body.empty());
        const auto json = Json::parse(reply.body);
        EXPECT_EQ(json.at("error_code").get<int>(), code) << reply.body;
        EXPECT_TRUE(json.at("message").is_string());
        EXPECT_EQ(json.size(), 2u) << reply.body;
    }

    SchemaStore store_;
    MemoryRecordLog log_{store_};
    SoleLeader leader_;
    std::unique_ptr<RegistryApi> api_;
    std::unique_ptr<HttpServer> server_;
    std::unique_ptr<httplib::Client> client_;
};

}  // namespace orderflow::registry::testing
