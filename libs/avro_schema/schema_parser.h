#pragma once

// Schema text -> validated SchemaNode tree, following Avro-Java's Schema.Parser (the parser
// Confluent's registry runs, with default validation on).

#include "avro_schema/schema_node.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::avro {

/// The arena of one parsed schema: every node (the referenced schemas' too) and the root.
struct ParsedSchema {
    std::vector<std::unique_ptr<SchemaNode>> nodes;
    const SchemaNode* root = nullptr;
    /// Full names of the named types the references define; canonical text names them
    /// instead of inlining them, as Confluent does.
    std::set<std::string> referenced_names;
};

/// Parses `text`, first parsing each reference (in dependency order, whatever the map order).
/// Errors: SchemaParseError.
ParsedSchema parse_schema(std::string_view text,
                          const std::map<std::string, std::string>& references);

}  // namespace orderflow::avro
