#include "avro_schema/schema_parser.h"

#include "avro_schema/avro_schema.h"
#include "avro_schema/canonical_form.h"
#include "avro_schema/default_value.h"
#include "avro_schema/schema_json.h"
#include "avro_schema/type_parser.h"

namespace orderflow::avro {
namespace {

// Defaults are checked once the whole text is parsed, so recursive types are complete.
void validate_defaults(const std::vector<std::unique_ptr<SchemaNode>>& nodes, std::size_t first) {
    for (std::size_t i = first; i < nodes.size(); ++i) {
        for (const auto& field : nodes[i]->fields) {
            if (field.default_value && !is_valid_default(*field.type, &*field.default_value)) {
                throw SchemaParseError("Invalid default for field " + field.name + ": " +
                                       to_text(*field.default_value) + " not a " +
                                       canonical_text(*field.type, {}));
            }
        }
    }
}

// Parses one schema text into the shared arena and name table; on failure both are unchanged.
const SchemaNode* parse_unit(std::string_view text, ParsedSchema& out, NameTable& names) {
    const Json json = parse_json(text);
    const std::size_t first = out.nodes.size();
    NameTable tentative = names;
    try {
        TypeParser parser(out.nodes, tentative);
        const SchemaNode* root = parser.parse(json);
        validate_defaults(out.nodes, first);
        names = std::move(tentative);
        return root;
    } catch (...) {
        out.nodes.resize(first);
        throw;
    }
}

}  // namespace

ParsedSchema parse_schema(std::string_view text,
                          const std::map<std::string, std::string>& references) {
    ParsedSchema out;
    NameTable names;
    // A reference may use another one: parse in passes until every reference resolves.
    std::vector<std::pair<std::string, std::string>> pending(references.begin(), references.end());
    while (!pending.empty()) {
        std::vector<std::pair<std::string, std::string>> failed;
        std::string first_error;
        for (auto& reference : pending) {
            try {
                parse_unit(reference.second, out, names);
            } catch (const SchemaParseError& e) {
                if (first_error.empty()) {
                    first_error = "Invalid reference '" + reference.first + "': " + e.what();
                }
                failed.push_back(std::move(reference));
            }
        }
        if (failed.size() == pending.size()) {
            throw SchemaParseError(first_error);
        }
        pending = std::move(failed);
    }
    for (const auto& [name, node] : names) {
        out.referenced_names.insert(name);
    }
    out.root = parse_unit(text, out, names);
    return out;
}

}  // namespace orderflow::avro
