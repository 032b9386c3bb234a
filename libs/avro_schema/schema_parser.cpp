#include "avro_schema/schema_parser.h"

#include "avro_schema/avro_schema.h"
#include "avro_schema/canonical_form.h"
#include "avro_schema/default_value.h"
#include "avro_schema/json_writer.h"
#include "avro_schema/logical_types.h"
#include "avro_schema/names.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace orderflow::avro {
namespace {

using NameTable = std::map<std::string, const SchemaNode*>;

constexpr std::string_view kSchemaReserved[] = {"doc",  "fields",  "items",  "name", "namespace",
                                                "size", "symbols", "values", "type", "aliases"};
constexpr std::string_view kFieldReserved[] = {"default", "doc",  "name",
                                               "order",   "type", "aliases"};

bool is_reserved(std::string_view key, SchemaType type) {
    if (type == SchemaType::kEnum && key == "default") {
        return true;
    }
    return std::find(std::begin(kSchemaReserved), std::end(kSchemaReserved), key) !=
           std::end(kSchemaReserved);
}

bool is_field_reserved(std::string_view key) {
    return std::find(std::begin(kFieldReserved), std::end(kFieldReserved), key) !=
           std::end(kFieldReserved);
}

std::string to_text(const Json& json) {
    std::string out;
    append_json(out, json);
    return out;
}

/// The member `key` when it is a string (Jackson's textValue()), else nullptr.
const std::string* optional_text(const Json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(std::string(key));
    if (it == object.end() || !it->is_string()) {
        return nullptr;
    }
    return &it->get_ref<const std::string&>();
}

const std::string& required_text(const Json& object, std::string_view key, std::string_view error) {
    const std::string* text = optional_text(object, key);
    if (text == nullptr) {
        throw SchemaParseError(std::string(error) + ": " + to_text(object));
    }
    return *text;
}

const Json* member(const Json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(std::string(key));
    return it == object.end() ? nullptr : &*it;
}

/// Java's Double.valueOf for textual float/double defaults ("1.5", "NaN", "-Infinity", "2d").
std::optional<double> parse_java_double(std::string text) {
    const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
    text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
    std::string_view body = text;
    bool negative = false;
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
        negative = body.front() == '-';
        body.remove_prefix(1);
    }
    if (body == "NaN") {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (body == "Infinity") {
        return negative ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    }
    if (!text.empty() && std::string_view("dDfF").find(text.back()) != std::string_view::npos) {
        text.pop_back();
    }
    if (text.empty() || std::isalpha(static_cast<unsigned char>(text.back())) != 0) {
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || std::isnan(value) || std::isinf(value)) {
        return std::nullopt;
    }
    return value;
}

std::vector<std::string> parse_aliases(const Json& object) {
    const Json* aliases = member(object, "aliases");
    std::vector<std::string> out;
    if (aliases == nullptr) {
        return out;
    }
    if (!aliases->is_array()) {
        throw SchemaParseError("aliases not an array: " + to_text(object));
    }
    for (const auto& alias : *aliases) {
        if (!alias.is_string()) {
            throw SchemaParseError("alias not a string: " + to_text(alias));
        }
        const auto& text = alias.get_ref<const std::string&>();
        if (std::find(out.begin(), out.end(), text) == out.end()) {
            out.push_back(text);
        }
    }
    return out;
}

class Parser {
public:
    Parser(std::vector<std::unique_ptr<SchemaNode>>& nodes, NameTable& names)
        : nodes_(nodes), names_(names) {}

    const SchemaNode* parse(const Json& json) {
        // Checked on the way down, so this recursion stays bounded whatever the text.
        if (level_ >= kMaxSchemaTypeDepth) {
            throw too_deep();
        }
        ++level_;
        const SchemaNode* node = parse_level(json);
        --level_;
        return node;
    }

private:
    static SchemaParseError too_deep() {
        return SchemaParseError("Schema nesting depth exceeds " +
                                std::to_string(kMaxSchemaTypeDepth));
    }

    // A named type used again counts in full, so chains of names cannot outgrow the bound either.
    static void set_depth(SchemaNode& node, int children_depth) {
        node.depth = 1 + children_depth;
        if (node.depth > kMaxSchemaTypeDepth) {
            throw too_deep();
        }
    }

    const SchemaNode* parse_level(const Json& json) {
        if (json.is_string()) {
            const auto& text = json.get_ref<const std::string&>();
            const SchemaNode* found = lookup(text);
            if (found == nullptr) {
                throw SchemaParseError("Undefined name: " + to_text(json));
            }
            return found;
        }
        if (json.is_object()) {
            return parse_object(json);
        }
        if (json.is_array()) {
            return parse_union(json);
        }
        throw SchemaParseError("Schema not yet supported: " + to_text(json));
    }

    SchemaNode* make(SchemaType type) {
        nodes_.push_back(std::make_unique<SchemaNode>());
        nodes_.back()->type = type;
        return nodes_.back().get();
    }

    // Avro's Names.get: a primitive, else the name in the current namespace, else as written.
    const SchemaNode* lookup(const std::string& text) {
        if (const auto primitive = primitive_type_from_string(text)) {
            return make(*primitive);
        }
        if (text.find('.') == std::string::npos && !space_.empty()) {
            const auto it = names_.find(space_ + "." + text);
            if (it != names_.end()) {
                return it->second;
            }
        }
        const auto it = names_.find(text);
        return it == names_.end() ? nullptr : it->second;
    }

    void register_name(const SchemaNode* node) {
        const std::string full = node->full_name();
        if (primitive_type_from_string(full)) {
            throw SchemaParseError("Schemas may not be named after primitives: " + full);
        }
        if (!names_.emplace(full, node).second) {
            throw SchemaParseError("Can't redefine: " + full);
        }
    }

    const SchemaNode* parse_union(const Json& json) {
        SchemaNode* node = make(SchemaType::kUnion);
        std::vector<std::string> seen;
        int children_depth = 0;
        for (const auto& element : json) {
            const SchemaNode* branch = parse(element);
            if (branch->type == SchemaType::kUnion) {
                throw SchemaParseError("Nested union: " + to_text(json));
            }
            const std::string key = branch->full_name();
            if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
                throw SchemaParseError("Duplicate in union:" + key);
            }
            seen.push_back(key);
            node->branches.push_back(branch);
            children_depth = std::max(children_depth, branch->depth);
        }
        set_depth(*node, children_depth);
        return node;
    }

    const SchemaNode* parse_object(const Json& json) {
        const std::string& type_name = required_text(json, "type", "No type");
        const std::string saved_space = space_;
        const bool named = type_name == "record" || type_name == "error" || type_name == "enum" ||
                           type_name == "fixed";
        QualifiedName qualified;
        std::optional<std::string> doc;
        if (named) {
            const std::string* space = optional_text(json, "namespace");
            if (const std::string* text = optional_text(json, "doc")) {
                doc = *text;
            }
            qualified = qualify(required_text(json, "name", "No name in schema"),
                                space != nullptr ? *space : space_);
            if (!qualified.space.empty()) {
                space_ = qualified.space;
            }
        }

        SchemaNode* node = nullptr;
        if (const auto primitive = primitive_type_from_string(type_name)) {
            node = make(*primitive);
        } else if (type_name == "record" || type_name == "error") {
            node = make(SchemaType::kRecord);
            node->is_error = type_name == "error";
            set_name(*node, qualified, doc);
            register_name(node);
            parse_fields(*node, json);
            int children_depth = 0;
            for (const auto& field : node->fields) {
                children_depth = std::max(children_depth, field.type->depth);
            }
            set_depth(*node, children_depth);
        } else if (type_name == "enum") {
            node = make(SchemaType::kEnum);
            set_name(*node, qualified, doc);
            parse_enum(*node, json);
            register_name(node);
        } else if (type_name == "array" || type_name == "map") {
            const bool array = type_name == "array";
            const Json* inner = member(json, array ? "items" : "values");
            if (inner == nullptr) {
                throw SchemaParseError(
                    std::string(array ? "Array has no items type: " : "Map has no values type: ") +
                    to_text(json));
            }
            node = make(array ? SchemaType::kArray : SchemaType::kMap);
            node->items = parse(*inner);
            set_depth(*node, node->items->depth);
        } else if (type_name == "fixed") {
            const Json* size = member(json, "size");
            if (size == nullptr || !is_java_int(*size)) {
                throw SchemaParseError("Invalid or no size: " + to_text(json));
            }
            if (size->get<std::int64_t>() < 0) {
                throw SchemaParseError("Invalid fixed size: " + to_text(*size));
            }
            node = make(SchemaType::kFixed);
            node->fixed_size = size->get<int>();
            set_name(*node, qualified, doc);
            register_name(node);
        } else {
            // {"type": "com.acme.Named"} refers to a named type defined earlier.
            const SchemaNode* found = lookup(type_name);
            space_ = saved_space;
            if (found == nullptr) {
                throw SchemaParseError("Type not supported: " + type_name);
            }
            return found;
        }

        for (const auto& [key, value] : json.items()) {
            if (!is_reserved(key, node->type)) {
                node->props.emplace_back(key, value);
            }
        }
        node->logical_type = valid_logical_type(*node);
        space_ = saved_space;
        if (node->is_named()) {
            for (const auto& alias : parse_aliases(json)) {
                node->aliases.push_back(qualify(alias, node->space).full());
            }
        }
        return node;
    }

    static void set_name(SchemaNode& node,
                         const QualifiedName& qualified,
                         const std::optional<std::string>& doc) {
        node.name = qualified.name;
        node.space = qualified.space;
        node.doc = doc;
    }

    void parse_fields(SchemaNode& record, const Json& json) {
        const Json* fields = member(json, "fields");
        if (fields == nullptr || !fields->is_array()) {
            throw SchemaParseError("Record has no fields: " + to_text(json));
        }
        for (const auto& field_json : *fields) {
            Field field;
            field.name = required_text(field_json, "name", "No field name");
            validate_name(field.name, "field name");
            if (const std::string* doc = optional_text(field_json, "doc")) {
                field.doc = *doc;
            }
            const Json* type = member(field_json, "type");
            if (type == nullptr) {
                throw SchemaParseError("No field type: " + to_text(field_json));
            }
            if (type->is_string() && lookup(type->get<std::string>()) == nullptr) {
                throw SchemaParseError(to_text(*type) +
                                       " is not a defined name. The type of the \"" + field.name +
                                       "\" field must be a defined name or a {\"type\": ...} "
                                       "expression.");
            }
            field.type = parse(*type);
            if (const Json* order = member(field_json, "order")) {
                field.order = parse_order(*order, field.name);
            }
            if (const Json* default_value = member(field_json, "default")) {
                field.default_value = *default_value;
                const auto t = field.type->type;
                if ((t == SchemaType::kFloat || t == SchemaType::kDouble) &&
                    default_value->is_string()) {
                    const auto number = parse_java_double(default_value->get<std::string>());
                    if (!number) {
                        throw SchemaParseError("Invalid default for field " + field.name + ": " +
                                               to_text(*default_value) + " not a \"" +
                                               std::string(to_string(t)) + "\"");
                    }
                    field.default_value = Json(*number);
                }
            }
            field.aliases = parse_aliases(field_json);
            for (const auto& [key, value] : field_json.items()) {
                if (!is_field_reserved(key)) {
                    field.props.emplace_back(key, value);
                }
            }
            if (record.field(field.name) != nullptr) {
                throw SchemaParseError("Duplicate field " + field.name + " in record " +
                                       record.full_name());
            }
            field.position = record.fields.size();
            record.fields.push_back(std::move(field));
        }
    }

    static FieldOrder parse_order(const Json& order, const std::string& field_name) {
        std::string text = order.is_string() ? order.get<std::string>() : std::string();
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (text == "ascending") {
            return FieldOrder::kAscending;
        }
        if (text == "descending") {
            return FieldOrder::kDescending;
        }
        if (text == "ignore") {
            return FieldOrder::kIgnore;
        }
        throw SchemaParseError("Invalid order for field " + field_name + ": " + to_text(order));
    }

    static void parse_enum(SchemaNode& node, const Json& json) {
        const Json* symbols = member(json, "symbols");
        if (symbols == nullptr || !symbols->is_array()) {
            throw SchemaParseError("Enum has no symbols: " + to_text(json));
        }
        for (const auto& symbol : *symbols) {
            if (!symbol.is_string()) {
                throw SchemaParseError("Enum symbol not a string: " + to_text(symbol));
            }
            const auto& text = symbol.get_ref<const std::string&>();
            validate_name(text, "enum symbol");
            if (std::find(node.symbols.begin(), node.symbols.end(), text) != node.symbols.end()) {
                throw SchemaParseError("Duplicate enum symbol: " + text);
            }
            node.symbols.push_back(text);
        }
        if (const std::string* default_symbol = optional_text(json, "default")) {
            if (std::find(node.symbols.begin(), node.symbols.end(), *default_symbol) ==
                node.symbols.end()) {
                throw SchemaParseError("The Enum Default: " + *default_symbol +
                                       " is not in the enum symbol set: " + to_text(*symbols));
            }
            node.enum_default = *default_symbol;
        }
    }

    std::vector<std::unique_ptr<SchemaNode>>& nodes_;
    NameTable& names_;
    std::string space_;  // the enclosing namespace ("" = none)
    int level_ = 0;      // how many parse() calls are open
};

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

Json parse_json(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        throw SchemaParseError("Empty schema");
    }
    // The parser calls this before it nests deeper, and nlohmann builds the value without
    // recursion; copying and writing it recurse, hence the bound.
    const Json::parser_callback_t limit_depth = [](int depth, Json::parse_event_t event, Json&) {
        // `depth` containers are open around the one starting here.
        const bool opens =
            event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
        if (opens && depth >= kMaxSchemaJsonDepth) {
            throw SchemaParseError("Invalid JSON: nesting depth exceeds " +
                                   std::to_string(kMaxSchemaJsonDepth));
        }
        return true;
    };
    try {
        return Json::parse(text, limit_depth, true, true);
    } catch (const Json::exception& e) {
        throw SchemaParseError(std::string("Invalid JSON: ") + e.what());
    }
}

// Parses one schema text into the shared arena and name table; on failure both are unchanged.
const SchemaNode* parse_unit(std::string_view text, ParsedSchema& out, NameTable& names) {
    const Json json = parse_json(text);
    const std::size_t first = out.nodes.size();
    NameTable tentative = names;
    try {
        Parser parser(out.nodes, tentative);
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
