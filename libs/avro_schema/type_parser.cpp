#include "avro_schema/type_parser.h"

#include "avro_schema/avro_schema.h"
#include "avro_schema/default_value.h"
#include "avro_schema/java_double.h"
#include "avro_schema/logical_types.h"
#include "avro_schema/names.h"
#include "avro_schema/schema_json.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace orderflow::avro {
namespace {

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

SchemaParseError too_deep() {
    return SchemaParseError("Schema nesting depth exceeds " + std::to_string(kMaxSchemaTypeDepth));
}

// A named type used again counts in full, so chains of names cannot outgrow the bound either.
void set_depth(SchemaNode& node, int children_depth) {
    node.depth = 1 + children_depth;
    if (node.depth > kMaxSchemaTypeDepth) {
        throw too_deep();
    }
}

void set_name(SchemaNode& node,
              const QualifiedName& qualified,
              const std::optional<std::string>& doc) {
    node.name = qualified.name;
    node.space = qualified.space;
    node.doc = doc;
}

FieldOrder parse_order(const Json& order, const std::string& field_name) {
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

void parse_enum(SchemaNode& node, const Json& json) {
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

}  // namespace

const SchemaNode* TypeParser::parse(const Json& json) {
    // Checked on the way down, so this recursion stays bounded whatever the text.
    if (level_ >= kMaxSchemaTypeDepth) {
        throw too_deep();
    }
    ++level_;
    const SchemaNode* node = parse_level(json);
    --level_;
    return node;
}

const SchemaNode* TypeParser::parse_level(const Json& json) {
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

SchemaNode* TypeParser::make(SchemaType type) {
    nodes_.push_back(std::make_unique<SchemaNode>());
    nodes_.back()->type = type;
    return nodes_.back().get();
}

const SchemaNode* TypeParser::lookup(const std::string& text) {
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

void TypeParser::register_name(const SchemaNode* node) {
    const std::string full = node->full_name();
    if (primitive_type_from_string(full)) {
        throw SchemaParseError("Schemas may not be named after primitives: " + full);
    }
    if (!names_.emplace(full, node).second) {
        throw SchemaParseError("Can't redefine: " + full);
    }
}

const SchemaNode* TypeParser::parse_union(const Json& json) {
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

const SchemaNode* TypeParser::parse_object(const Json& json) {
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

void TypeParser::parse_fields(SchemaNode& record, const Json& json) {
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
            throw SchemaParseError(to_text(*type) + " is not a defined name. The type of the \"" +
                                   field.name +
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

}  // namespace orderflow::avro
