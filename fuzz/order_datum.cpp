// Avro datum decoding of an order against any writer schema (libs/serde), the way a consumer
// does it: the record's schema id resolves (here: always) to the writer schema of the input,
// then the framed datum goes through OrderDecoder. Input: a 2-byte big-endian length L, L bytes
// of writer schema JSON (L = 0: the order schema itself), then the datum bytes.
// A decoded order must encode and decode back to itself with the order schema.

#include "serde/order_codec.h"
#include "serde/order_decoder.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using orderflow::serde::AvroSchema;

const AvroSchema& order_schema() {
    static const AvroSchema schema(orderflow::serde::kOrderSchemaJson);
    return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const std::size_t schema_size = (std::size_t{data[0]} << 8) | data[1];
    if (schema_size > size - 2) {
        return 0;
    }
    const char* rest = reinterpret_cast<const char*>(data) + 2;
    const std::string writer = schema_size == 0 ? std::string(orderflow::serde::kOrderSchemaJson)
                                                : std::string(rest, schema_size);
    const std::string datum(rest + schema_size, size - 2 - schema_size);

    // A fresh decoder per input: its schema cache would otherwise keep the first schema for id 1.
    orderflow::serde::OrderDecoder decoder([&writer](int) { return writer; });
    orderflow::serde::InboundMessage message{.topic = "orders", .value = {}};
    message.value = orderflow::serde::frame(1, datum);
    const auto decoded = decoder.decode(message);
    if (decoded.order) {
        static orderflow::serde::OrderEncoder encoder(orderflow::serde::kOrderSchemaJson);
        const auto again =
            orderflow::serde::decode_order(order_schema(), encoder.encode(*decoded.order));
        if (!(again == *decoded.order)) {
            std::abort();  // the order schema must carry every decoded order exactly
        }
    }
    return 0;
}
