#pragma once

// Hostile Confluent-framed values, shared by the consumer and console tests.

#include <cstdint>
#include <string>

namespace orderflow::test {

/// A record N with one field ["null", N]: any depth is a valid schema.
inline constexpr const char* kRecursiveSchema =
    R"({"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]})";
/// An array of nulls: its items take no bytes at all.
inline constexpr const char* kNullArraySchema = R"({"type":"array","items":"null"})";

/// Avro's zigzag varint of `value`.
std::string avro_varint(std::int64_t value);

/// `levels` records N inside each other (the last one's field null), framed with `id`.
std::string deep_record(int id, int levels);

/// One block announcing four billion nulls, then the end, framed with `id`.
std::string four_billion_nulls(int id);

/// An order of order.avsc (framed with `id`) whose items array announces four billion items.
std::string order_with_four_billion_items(int id);

}  // namespace orderflow::test
