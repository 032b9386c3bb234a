// The Avro schema parser of libs/avro_schema (what the registry runs on every schema write and
// on every `_schemas` replay): any text in, a SchemaParseError or a schema out. A parsed schema
// also goes through what the registry does next: canonical and normalized forms, and a
// compatibility check against the order schema both ways. The canonical text must parse again
// to itself (the registry stores it and replays it).

#include "avro_schema/avro_schema.h"

#include "serde/order_schema.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

using orderflow::avro::AvroSchema;

const AvroSchema& order_schema() {
    static const AvroSchema schema = AvroSchema::parse(orderflow::serde::kOrderSchemaJson);
    return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto schema = AvroSchema::parse(text);
        const auto again = AvroSchema::parse(schema.canonical());
        if (again.canonical() != schema.canonical()) {
            std::fprintf(stderr, "canonical form is not stable:\n%s\n%s\n",
                         schema.canonical().c_str(), again.canonical().c_str());
            std::abort();
        }
        (void)schema.normalized();
        (void)schema.name();
        (void)orderflow::avro::can_read(schema, order_schema());
        (void)orderflow::avro::can_read(order_schema(), schema);
        (void)orderflow::avro::check_compatibility(schema, std::vector<AvroSchema>{schema},
                                                   orderflow::avro::CompatibilityLevel::kFull);
    } catch (const orderflow::avro::SchemaParseError&) {
        // the expected answer to a bad schema
    }
    return 0;
}
