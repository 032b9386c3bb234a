#include "avro_schema/canonical_form.h"

#include "avro_schema/json_writer.h"
#include "avro_schema/names.h"

#include <algorithm>
#include <cctype>

namespace orderflow::avro {
namespace {

// JSON with object keys sorted, as Confluent's sorting node factory writes normalized props.
void append_sorted_json(std::string& out, const Json& value) {
    if (value.is_object()) {
        append_list(
            out, sorted_members(value),
            [&](const auto& member) {
                append_key(out, member.first);
                append_sorted_json(out, *member.second);
            },
            '{', '}');
    } else if (value.is_array()) {
        append_list(out, value, [&](const Json& element) { append_sorted_json(out, element); });
    } else {
        append_json(out, value);
    }
}

// Java's String -> ISO-8859-1 bytes -> String, which bytes/fixed defaults go through: code points
// above U+00FF become '?'. `text` is UTF-8 (the JSON parser has validated it).
std::string latin1_round_trip(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        const bool latin1 = length == 1 || (length == 2 && lead <= 0xC3);
        out += latin1 ? text.substr(i, length) : "?";
        i += length;
    }
    return out;
}

// A default converted through its schema (Avro's JacksonUtils.toObject) and written with sorted
// keys: a number takes its field's type (an int default of a double field becomes 1.0).
void append_typed_default(std::string& out, const Json& value, const SchemaNode* schema) {
    if (schema != nullptr && schema->type == SchemaType::kUnion) {
        schema = schema->branches.empty() ? nullptr : schema->branches.front();
    }
    const SchemaType type = schema != nullptr ? schema->type : SchemaType::kNull;
    if (value.is_number() && type == SchemaType::kDouble) {
        out += java_double_to_string(value.get<double>());
    } else if (value.is_number() && type == SchemaType::kFloat) {
        out += java_float_to_string(static_cast<float>(value.get<double>()));
    } else if (value.is_string() && (type == SchemaType::kBytes || type == SchemaType::kFixed)) {
        append_json_string(out, latin1_round_trip(value.get_ref<const std::string&>()));
    } else if (value.is_array()) {
        const SchemaNode* items = type == SchemaType::kArray ? schema->items : nullptr;
        append_list(out, value,
                    [&](const Json& element) { append_typed_default(out, element, items); });
    } else if (value.is_object()) {
        append_list(
            out, sorted_members(value),
            [&](const auto& member) {
                const SchemaNode* member_schema = nullptr;
                if (type == SchemaType::kMap) {
                    member_schema = schema->items;
                } else if (type == SchemaType::kRecord) {
                    const Field* f = schema->field(member.first);
                    member_schema = f != nullptr ? f->type : nullptr;
                }
                append_key(out, member.first);
                append_typed_default(out, *member.second, member_schema);
            },
            '{', '}');
    } else {
        append_json(out, value);
    }
}

void append_strings(std::string& out, const std::vector<std::string>& values) {
    append_list(out, values, [&](const std::string& value) { append_json_string(out, value); });
}

void append_sorted_strings(std::string& out, std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    append_strings(out, values);
}

enum class Form { kCanonical, kNormalized };

/// Writes a schema tree in one of the two forms; they share structure and differ in key order,
/// naming and how attributes are written.
class SchemaWriter {
public:
    SchemaWriter(Form form, std::set<std::string> known) : form_(form), known_(std::move(known)) {}

    void write(const SchemaNode& node, std::string& out) {
        switch (node.type) {
            case SchemaType::kRecord:
            case SchemaType::kEnum:
            case SchemaType::kFixed:
                write_named(node, out);
                return;
            case SchemaType::kUnion:
                append_list(out, node.branches,
                            [&](const SchemaNode* branch) { write(*branch, out); });
                return;
            case SchemaType::kArray:
            case SchemaType::kMap:
                write_type(node, out);
                out += node.type == SchemaType::kArray ? ",\"items\":" : ",\"values\":";
                write(*node.items, out);
                append_props(out, node.props, {});
                out.push_back('}');
                return;
            default:
                write_primitive(node, out);
                return;
        }
    }

private:
    bool normalized() const { return form_ == Form::kNormalized; }

    static void write_type(const SchemaNode& node, std::string& out) {
        out += "{\"type\":";
        append_json_string(out, to_string(node.type));
    }

    void write_primitive(const SchemaNode& node, std::string& out) const {
        const bool logical = normalized() && node.logical_type;
        if (node.props.empty() && !logical) {
            append_json_string(out, to_string(node.type));
            return;
        }
        write_type(node, out);
        append_props(out, node.props, logical_keys(node, out));
        out.push_back('}');
    }

    // Canonical: props in text order. Normalized: sorted by key, leaving out `skip` (the logical
    // type attributes already written).
    void append_props(std::string& out,
                      const Properties& props,
                      const std::vector<std::string_view>& skip) const {
        if (!normalized()) {
            for (const auto& [key, value] : props) {
                out.push_back(',');
                append_key(out, key);
                append_json(out, value);
            }
            return;
        }
        std::vector<const std::pair<std::string, Json>*> sorted;
        for (const auto& prop : props) {
            if (std::find(skip.begin(), skip.end(), prop.first) == skip.end()) {
                sorted.push_back(&prop);
            }
        }
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto* a, const auto* b) { return a->first < b->first; });
        for (const auto* prop : sorted) {
            out.push_back(',');
            append_key(out, prop->first);
            append_sorted_json(out, prop->second);
        }
    }

    // Normalized form only: writes the logical type attributes and returns their keys.
    std::vector<std::string_view> logical_keys(const SchemaNode& node, std::string& out) const {
        if (!normalized() || !node.logical_type) {
            return {};
        }
        out += ",\"logicalType\":";
        append_json_string(out, *node.logical_type);
        if (*node.logical_type != "decimal") {
            return {"logicalType"};
        }
        out += ",\"precision\":";
        append_json(out, *node.prop("precision"));
        const Json* scale = node.prop("scale");
        if (scale != nullptr && scale->get<std::int64_t>() != 0) {
            out += ",\"scale\":";
            append_json(out, *scale);
        }
        return {"logicalType", "precision", "scale"};
    }

    void write_named(const SchemaNode& node, std::string& out) {
        const std::string full = node.full_name();
        if (known_.count(full) != 0) {
            // Avro's Name.getQualified: the simple name when in the current namespace.
            const bool short_name = !normalized() && (node.space.empty() || node.space == space_);
            append_json_string(out, short_name ? node.name : full);
            return;
        }
        known_.insert(full);
        if (normalized()) {
            out += "{\"name\":";
            append_json_string(out, full);
            out += ",\"type\":";
            append_json_string(out, to_string(node.type));
        } else {
            out += "{\"type\":";
            append_json_string(out, node.is_error ? "error" : to_string(node.type));
            write_canonical_name(node, out);
            if (node.doc) {
                out += ",\"doc\":";
                append_json_string(out, *node.doc);
            }
        }
        std::vector<std::string_view> skip;
        if (node.type == SchemaType::kRecord) {
            const std::string saved = space_;
            space_ = node.space;
            out += ",\"fields\":";
            append_list(out, node.fields, [&](const Field& field) { write_field(field, out); });
            space_ = saved;
        } else if (node.type == SchemaType::kEnum) {
            out += ",\"symbols\":";
            append_strings(out, node.symbols);
            if (node.enum_default && !normalized()) {
                out += ",\"default\":";
                append_json_string(out, *node.enum_default);
            }
        } else {
            out += ",\"size\":" + std::to_string(node.fixed_size);
            skip = logical_keys(node, out);
        }
        if (normalized()) {
            write_normalized_named_attributes(node, out);
        }
        append_props(out, node.props, skip);
        if (!normalized() && !node.aliases.empty()) {
            out += ",\"aliases\":";
            append_list(out, node.aliases, [&](const std::string& alias) {
                append_json_string(out, relative_name(alias, node.space));
            });
        }
        out.push_back('}');
    }

    // Avro's Name.writeName: the namespace only where it differs from the enclosing one.
    void write_canonical_name(const SchemaNode& node, std::string& out) const {
        out += ",\"name\":";
        append_json_string(out, node.name);
        if (!node.space.empty()) {
            if (node.space != space_) {
                out += ",\"namespace\":";
                append_json_string(out, node.space);
            }
        } else if (!space_.empty()) {
            out += ",\"namespace\":\"\"";
        }
    }

    static void write_normalized_named_attributes(const SchemaNode& node, std::string& out) {
        if (node.doc && !node.doc->empty()) {
            out += ",\"doc\":";
            append_json_string(out, *node.doc);
        }
        if (!node.aliases.empty()) {
            out += ",\"aliases\":";
            append_sorted_strings(out, node.aliases);
        }
        if (node.type == SchemaType::kEnum && node.enum_default) {
            out += ",\"default\":";
            append_json_string(out, *node.enum_default);
        }
    }

    void write_field(const Field& field, std::string& out) {
        out += "{\"name\":";
        append_json_string(out, field.name);
        out += ",\"type\":";
        write(*field.type, out);
        if (normalized()) {
            // Confluent writes Avro's Field.Order constant, upper case, for every field.
            std::string order(to_string(field.order));
            std::transform(order.begin(), order.end(), order.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            out += ",\"order\":";
            append_json_string(out, order);
        }
        if (field.doc) {
            out += ",\"doc\":";
            append_json_string(out, *field.doc);
        }
        if (normalized() && !field.aliases.empty()) {
            out += ",\"aliases\":";
            append_sorted_strings(out, field.aliases);
        }
        if (field.default_value) {
            out += ",\"default\":";
            if (normalized()) {
                append_typed_default(out, *field.default_value, field.type);
            } else {
                append_json(out, *field.default_value);
            }
        }
        if (!normalized()) {
            if (field.order != FieldOrder::kAscending) {
                out += ",\"order\":";
                append_json_string(out, to_string(field.order));
            }
            if (!field.aliases.empty()) {
                out += ",\"aliases\":";
                append_strings(out, field.aliases);
            }
        }
        append_props(out, field.props, {});
        out.push_back('}');
    }

    Form form_;
    std::set<std::string> known_;
    std::string space_;  // the enclosing namespace while writing (canonical form)
};

}  // namespace

std::string canonical_text(const SchemaNode& root, const std::set<std::string>& known_names) {
    std::string out;
    SchemaWriter(Form::kCanonical, known_names).write(root, out);
    return out;
}

std::string normalized_text(const SchemaNode& root, const std::set<std::string>& known_names) {
    std::string out;
    SchemaWriter(Form::kNormalized, known_names).write(root, out);
    return out;
}

}  // namespace orderflow::avro
