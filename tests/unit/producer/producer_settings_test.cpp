#include "producer/producer_settings.h"

#include "common/config_error.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <fstream>

namespace orderflow::producer {
namespace {

std::string error_setting(const ProducerOptions& options) {
    try {
        to_settings(options);
    } catch (const common::ConfigError& e) {
        return e.setting();
    }
    return "";
}

TEST(ProducerSettings, DefaultsAsInTheOriginal) {
    const auto settings = to_settings(ProducerOptions{});
    EXPECT_EQ(settings.pace, Pace::kInterval);
    EXPECT_EQ(settings.interval, std::chrono::seconds(5));
    EXPECT_EQ(settings.count, 100);
    EXPECT_EQ(settings.retries, 5);
    EXPECT_EQ(settings.schema_json, serde::kOrderSchemaJson);
    EXPECT_TRUE(settings.per_order_lines());
}

TEST(ProducerSettings, RateModes) {
    ProducerOptions options;
    options.rate = "2000";
    auto settings = to_settings(options);
    EXPECT_EQ(settings.pace, Pace::kRate);
    EXPECT_EQ(settings.rate, 2000);
    EXPECT_FALSE(settings.per_order_lines());
    options.rate = "max";
    EXPECT_EQ(to_settings(options).pace, Pace::kMax);
}

TEST(ProducerSettings, SeedIsKeptAndCountZeroIsEndless) {
    ProducerOptions options;
    options.seed = "1234";
    options.count = "0";
    const auto settings = to_settings(options);
    EXPECT_EQ(settings.seed, 1234U);
    EXPECT_EQ(settings.count, 0);
}

TEST(ProducerSettings, SchemaFileIsReadAndChecked) {
    const std::string path = ::testing::TempDir() + "/order-v2.avsc";
    {
        std::string schema = serde::kOrderSchemaJson;
        schema.insert(schema.rfind(']'),
                      R"(, {"name": "gift_wrap", "type": "boolean", "default": false})");
        std::ofstream(path) << schema;
    }
    ProducerOptions options;
    options.schema_file = path;
    EXPECT_NE(to_settings(options).schema_json.find("gift_wrap"), std::string::npos);
    std::ofstream(path) << R"({"type":"record","name":"X","fields":[]})";
    EXPECT_EQ(error_setting(options), "ORDER_SCHEMA_FILE");
    options.schema_file = path + ".missing";
    EXPECT_EQ(error_setting(options), "ORDER_SCHEMA_FILE");
    std::remove(path.c_str());
}

TEST(ProducerSettings, BadValuesNameTheSetting) {
    const std::vector<std::pair<std::function<void(ProducerOptions&)>, std::string>> cases = {
        {[](auto& o) { o.interval = "soon"; }, "PRODUCE_INTERVAL"},
        {[](auto& o) { o.count = "-1"; }, "PRODUCE_COUNT"},
        {[](auto& o) { o.rate = "fast"; }, "PRODUCE_RATE"},
        {[](auto& o) { o.rate = "0"; }, "PRODUCE_RATE"},
        {[](auto& o) { o.retries = "many"; }, "PRODUCE_RETRIES"},
        {[](auto& o) { o.retry_backoff = "1y"; }, "PRODUCE_RETRY_BACKOFF"},
        {[](auto& o) { o.seed = "abc"; }, "PRODUCE_SEED"},
        {[](auto& o) { o.customers = "0"; }, "PRODUCE_CUSTOMERS"},
        {[](auto& o) { o.failed_file = ""; }, "FAILED_ORDERS_FILE"},
        {[](auto& o) { o.delivery_timeout = "10ms"; }, "DELIVERY_TIMEOUT"},
        {[](auto& o) { o.status.port = "port"; }, "METRICS_PORT"},
        {[](auto& o) { o.pipeline.kafka.extra = "novalue"; }, "KAFKA_EXTRA"},
        {[](auto& o) { o.failpoint = "crash"; }, "ORDERFLOW_FAILPOINT"},
        {[](auto& o) { o.failpoint = "fatal-after:0"; }, "ORDERFLOW_FAILPOINT"},
        {[](auto& o) { o.failpoint = "fatal-after:5:NO_SUCH_ERROR"; }, "ORDERFLOW_FAILPOINT"},
    };
    for (const auto& [change, setting] : cases) {
        ProducerOptions options;
        change(options);
        EXPECT_EQ(error_setting(options), setting);
    }
}

// The tests' fatal error: after N acknowledgements, the sequence error by default or a named one.
TEST(ProducerSettings, TheFatalErrorFailpointNamesItsCountAndError) {
    ProducerOptions options;
    EXPECT_EQ(to_settings(options).failpoint.fatal_after, 0);
    options.failpoint = "fatal-after:40";
    auto failpoint = to_settings(options).failpoint;
    EXPECT_EQ(failpoint.fatal_after, 40);
    EXPECT_EQ(failpoint.fatal_error, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    options.failpoint = "fatal-after:7:CLUSTER_AUTHORIZATION_FAILED";
    failpoint = to_settings(options).failpoint;
    EXPECT_EQ(failpoint.fatal_after, 7);
    EXPECT_EQ(failpoint.fatal_error, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
}

}  // namespace
}  // namespace orderflow::producer
