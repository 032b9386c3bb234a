#pragma once

// Logical types as Avro-Java's LogicalTypes.fromSchemaIgnoreInvalid sees them: a valid one is
// recorded on the node, an invalid or unknown one is ignored (its attributes stay as props).

#include "avro_schema/schema_node.h"

#include <optional>
#include <string>

namespace orderflow::avro {

/// The node's logical type name if its "logicalType" attribute is valid for it, else nullopt.
std::optional<std::string> valid_logical_type(const SchemaNode& node);

}  // namespace orderflow::avro
