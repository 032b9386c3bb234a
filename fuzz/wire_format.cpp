// Confluent framing (libs/serde/wire_format): every record value of `orders` goes through
// unframe() first. Unframing must either refuse or give back exactly what frame() would make.

#include "serde/wire_format.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    try {
        const auto unframed = orderflow::serde::unframe(message);
        if (orderflow::serde::frame(unframed.schema_id, unframed.payload) != message) {
            std::abort();  // framing must round-trip byte for byte
        }
    } catch (const orderflow::serde::WireFormatError&) {
        // the expected answer to a record that is not framed
    }
    return 0;
}
