#include "serde/wire_format.h"

#include <cstdio>

namespace orderflow::serde {

std::string frame(std::int32_t schema_id, std::string_view payload) {
    std::string out;
    out.reserve(kHeaderSize + payload.size());
    out += static_cast<char>(kMagicByte);
    const auto id = static_cast<std::uint32_t>(schema_id);
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((id >> shift) & 0xFFU);
    }
    out.append(payload);
    return out;
}

Unframed unframe(std::string_view message) {
    if (message.size() < kHeaderSize) {
        throw WireFormatError("not Confluent-framed: " + std::to_string(message.size()) +
                              " byte(s), shorter than the 5-byte header");
    }
    const auto magic = static_cast<std::uint8_t>(message[0]);
    if (magic != kMagicByte) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(magic));
        throw WireFormatError(std::string("not Confluent-framed: wrong magic byte ") + hex +
                              " (expected 0x00)");
    }
    std::uint32_t id = 0;
    for (std::size_t i = 1; i < kHeaderSize; ++i) {
        id = (id << 8) | static_cast<std::uint8_t>(message[i]);
    }
    return {static_cast<std::int32_t>(id), message.substr(kHeaderSize)};
}

}  // namespace orderflow::serde
