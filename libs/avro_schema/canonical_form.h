#pragma once

// The two texts a schema is identified by: Confluent's canonical text (Avro-Java's
// Schema.toString, attributes kept) and the normalized text used with `normalize=true`.

#include "avro_schema/schema_node.h"

#include <set>
#include <string>

namespace orderflow::avro {

/// Avro-Java `Schema.toString()`. Named types in `known_names` (those defined by references)
/// are written as names, not inlined.
std::string canonical_text(const SchemaNode& root, const std::set<std::string>& known_names);

/// Confluent's `AvroSchemaUtils.toNormalizedString`: full names, "name" before "type", custom
/// properties sorted by key, doc/aliases/defaults/logical types kept.
std::string normalized_text(const SchemaNode& root, const std::set<std::string>& known_names);

}  // namespace orderflow::avro
