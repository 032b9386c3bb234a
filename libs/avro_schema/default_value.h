#pragma once

// Field defaults checked against their type, as Avro-Java does with validateDefaults on (which
// Confluent enables for new schemas): a union's default must match its first branch.

#include "avro_schema/schema_node.h"

namespace orderflow::avro {

/// An integer within Java's int range (Jackson's isInt()): int defaults, fixed sizes.
bool is_java_int(const Json& value);

/// True when `value` is a valid default for `type`. A missing value (nullptr) is never valid.
bool is_valid_default(const SchemaNode& type, const Json* value);

}  // namespace orderflow::avro
