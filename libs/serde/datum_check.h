#pragma once

// A walk of Avro binary against its writer schema that runs before Avro C reads it. Avro C
// reads nested values by recursion and appends every element a block count announces, so a
// deep record overflows the stack and a huge count of zero-byte items spins and allocates;
// this walk refuses both first, with an explicit stack and no allocation per element.

#include "serde/avro_value.h"

#include <avro.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace orderflow::serde {

/// What one datum may hold. The table in libs/serde/README.md lists them with their answers.
struct DatumLimits {
    std::size_t max_depth = 32;              ///< records, arrays and maps inside each other
    std::int64_t max_block_items = 100'000;  ///< elements announced by one array/map block
    std::int64_t max_total_items = 100'000;  ///< elements of all arrays and maps together
    std::int64_t max_values = 1'000'000;     ///< values of any type, nested ones included
};

/// A datum that breaks a DatumLimits limit; what() starts with "decode-limit: ".
class DatumLimitError : public AvroError {
public:
    using AvroError::AvroError;
};

/**
 * Checks that `bytes` are exactly one datum of `writer` within `limits`, reading nothing but
 * the bytes (no Avro C value is built). Every element count is checked before any element is
 * looked at, and a block of items that take at least one byte each must fit in what is left.
 * Errors: DatumLimitError for a broken limit; AvroError for bytes that are not such a datum
 * (truncated, a union branch or enum symbol out of range, a negative length, bytes left over).
 */
void check_datum(avro_schema_t writer, std::string_view bytes, const DatumLimits& limits = {});

/// The same, for a schema given as JSON text (a fuzzing entry point). Errors: as above, and
/// AvroError when the text is not an Avro schema.
void check_datum(std::string_view writer_json, std::string_view bytes);

}  // namespace orderflow::serde
