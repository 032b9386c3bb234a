#include "integration/pipeline/pipeline_harness.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>

#include <fstream>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

// Our schema with one more field before the closing "]" of the field list.
std::string schema_with_field(const std::string& field) {
    std::string schema = serde::kOrderSchemaJson;
    schema.insert(schema.rfind(']'), ", " + field);
    return schema;
}

std::string write_file(const Pipeline& pipeline, const std::string& name, const std::string& text) {
    const auto path = pipeline.work_dir + "/" + name;
    std::ofstream(path) << text;
    return path;
}

TEST(SchemaEvolution, OrdersOfANewerCompatibleSchemaAreStored) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto auto_consumer = pipeline.start_consumer(true);
    auto batch_consumer = pipeline.start_consumer(false);
    ASSERT_EQ(pipeline.run("produce --count 5 --interval 10ms --seed 3").exit_code, 0);

    const auto v2 = write_file(
        pipeline, "order-v2.avsc",
        schema_with_field(R"({"name": "gift_wrap", "type": "boolean", "default": false})"));
    const auto produced =
        pipeline.run("produce --count 5 --interval 10ms --seed 4 --schema-file " + v2);
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    EXPECT_NE(produced.output.find("with id"), std::string::npos);

    const auto audit = pipeline.audit_until_clean(seconds(120));
    ASSERT_EQ(audit.exit_code, 0) << audit.output << auto_consumer->output()
                                  << batch_consumer->output();
    EXPECT_NE(audit.output.find("10 distinct order(s), 0 invalid"), std::string::npos)
        << audit.output;
}

TEST(SchemaEvolution, AnIncompatibleSchemaIsRefusedAndTheProducerExitsWithTheMessage) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ASSERT_EQ(pipeline.run("produce --count 1 --interval 10ms").exit_code, 0);

    // total_cents long -> int: a reader with int cannot read the longs already written.
    std::string narrowed = serde::kOrderSchemaJson;
    const std::string from = R"({"name": "total_cents", "type": "long")";
    narrowed.replace(narrowed.find(from), from.size(), R"({"name": "total_cents", "type": "int")");
    const auto v2 = write_file(pipeline, "order-incompatible.avsc", narrowed);
    const auto produced = pipeline.run("produce --count 1 --schema-file " + v2);
    EXPECT_NE(produced.exit_code, 0) << produced.output;
    EXPECT_NE(produced.output.find("the schema registry refused the order schema for subject " +
                                   pipeline.topic + "-value"),
              std::string::npos)
        << produced.output;
    EXPECT_NE(produced.output.find("HTTP 409"), std::string::npos) << produced.output;
}

}  // namespace
}  // namespace orderflow::test
