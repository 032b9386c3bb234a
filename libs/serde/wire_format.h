#pragma once

// The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int32, then the
// Avro binary of the datum (no container header).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orderflow::serde {

inline constexpr std::uint8_t kMagicByte = 0;
inline constexpr std::size_t kHeaderSize = 5;

/// A message that is not in the Confluent wire format; what() says why.
class WireFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// magic + big-endian id + payload.
std::string frame(std::int32_t schema_id, std::string_view payload);

struct Unframed {
    std::int32_t schema_id = 0;
    std::string_view payload;  ///< points into the message passed to unframe()
};

/**
 * Splits a framed message. Errors: WireFormatError for a message shorter than the 5-byte
 * header or with a magic byte other than 0.
 */
Unframed unframe(std::string_view message);

}  // namespace orderflow::serde
