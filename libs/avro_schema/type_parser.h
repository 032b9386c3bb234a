#pragma once

// One schema's JSON -> SchemaNode tree, as Avro-Java's Schema.Parser builds it: names resolved
// in the enclosing namespace, attributes kept as props, nesting bounded on the way down and
// again on the way up (a named type used again counts with its own depth).

#include "avro_schema/schema_node.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace orderflow::avro {

/// Full name -> the named type that defines it.
using NameTable = std::map<std::string, const SchemaNode*>;

/// Appends every node it makes to `nodes` and every named type to `names`; on an error
/// (SchemaParseError) both hold what was made before it.
class TypeParser {
public:
    TypeParser(std::vector<std::unique_ptr<SchemaNode>>& nodes, NameTable& names)
        : nodes_(nodes), names_(names) {}

    const SchemaNode* parse(const Json& json);

private:
    const SchemaNode* parse_level(const Json& json);
    SchemaNode* make(SchemaType type);
    // Avro's Names.get: a primitive, else the name in the current namespace, else as written.
    const SchemaNode* lookup(const std::string& text);
    void register_name(const SchemaNode* node);
    const SchemaNode* parse_union(const Json& json);
    const SchemaNode* parse_object(const Json& json);
    void parse_fields(SchemaNode& record, const Json& json);

    std::vector<std::unique_ptr<SchemaNode>>& nodes_;
    NameTable& names_;
    std::string space_;  // the enclosing namespace ("" = none)
    int level_ = 0;      // how many parse() calls are open
};

}  // namespace orderflow::avro
