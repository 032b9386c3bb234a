#include "avro_schema/compatibility.h"

#include "avro_schema/avro_schema.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace orderflow::avro {
namespace {

// Avro-Java's Schema.Type constant names, which its messages print.
std::string upper_type_name(SchemaType type) {
    std::string name(to_string(type));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(c - 'a' + 'A'); });
    return name;
}

// JSON pointer escaping of one location token.
std::string escape_token(const std::string& token) {
    std::string out;
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

class Checker {
public:
    std::vector<Incompatibility> check(const SchemaNode& reader,
                                       const SchemaNode& writer,
                                       const char* token = nullptr) {
        if (token != nullptr) {
            location_.emplace_back(token);
        }
        std::vector<Incompatibility> result;
        const auto key = std::make_pair(&reader, &writer);
        const auto memo = memo_.find(key);
        if (open_ >= kMaxCompareDepth) {
            // Two recursive types whose cycles differ in length can pair up anew for many
            // levels; refusing beyond the bound keeps the stack bounded (and the answer safe).
            result.push_back(incompatible(IncompatibilityType::kTypeMismatch,
                                          "schemas nest too deeply to compare (over " +
                                              std::to_string(kMaxCompareDepth) + " levels)"));
        } else if (memo != memo_.end()) {
            // A pair already under check is assumed compatible (breaks recursion).
            if (memo->second) {
                result = *memo->second;
            }
        } else {
            memo_[key] = std::nullopt;
            ++open_;
            result = calculate(reader, writer);
            --open_;
            memo_[key] = result;
        }
        if (token != nullptr) {
            location_.pop_back();
        }
        return result;
    }

private:
    std::string location() const {
        std::string out = "/";
        for (std::size_t i = 0; i < location_.size(); ++i) {
            if (i != 0) {
                out.push_back('/');
            }
            out += escape_token(location_[i]);
        }
        return out;
    }

    Incompatibility incompatible(IncompatibilityType type, std::string message) const {
        return Incompatibility{type, location(), std::move(message)};
    }

    static void merge(std::vector<Incompatibility>& into, std::vector<Incompatibility> more) {
        into.insert(into.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
    }

    std::vector<Incompatibility> type_mismatch(const SchemaNode& reader,
                                               const SchemaNode& writer) const {
        return {
            incompatible(IncompatibilityType::kTypeMismatch,
                         "reader type: " + upper_type_name(reader.type) +
                             " not compatible with writer type: " + upper_type_name(writer.type))};
    }

    std::vector<Incompatibility> calculate(const SchemaNode& reader, const SchemaNode& writer) {
        std::vector<Incompatibility> result;
        if (reader.type == writer.type) {
            switch (reader.type) {
                case SchemaType::kArray:
                    return check(*reader.items, *writer.items, "items");
                case SchemaType::kMap:
                    return check(*reader.items, *writer.items, "values");
                case SchemaType::kFixed:
                    merge(result, check_names(reader, writer));
                    merge(result, check_fixed_size(reader, writer));
                    return result;
                case SchemaType::kEnum:
                    merge(result, check_names(reader, writer));
                    merge(result, check_enum_symbols(reader, writer));
                    return result;
                case SchemaType::kRecord:
                    merge(result, check_names(reader, writer));
                    merge(result, check_fields(reader, writer));
                    return result;
                case SchemaType::kUnion:
                    // Every writer branch must be readable by the reader union.
                    for (std::size_t i = 0; i < writer.branches.size(); ++i) {
                        location_.push_back(std::to_string(i));
                        if (!check(reader, *writer.branches[i]).empty()) {
                            result.push_back(
                                incompatible(IncompatibilityType::kMissingUnionBranch,
                                             "reader union lacking writer type: " +
                                                 upper_type_name(writer.branches[i]->type)));
                        }
                        location_.pop_back();
                    }
                    return result;
                default:
                    return result;  // same primitive
            }
        }
        if (writer.type == SchemaType::kUnion) {
            // The reader must read every branch the writer may have written.
            for (std::size_t i = 0; i < writer.branches.size(); ++i) {
                const std::string token = std::to_string(i);
                merge(result, check(reader, *writer.branches[i], token.c_str()));
            }
            return result;
        }
        switch (reader.type) {
            case SchemaType::kLong:
                return writer.type == SchemaType::kInt ? result : type_mismatch(reader, writer);
            case SchemaType::kFloat:
                return writer.type == SchemaType::kInt || writer.type == SchemaType::kLong
                           ? result
                           : type_mismatch(reader, writer);
            case SchemaType::kDouble:
                return writer.type == SchemaType::kInt || writer.type == SchemaType::kLong ||
                               writer.type == SchemaType::kFloat
                           ? result
                           : type_mismatch(reader, writer);
            case SchemaType::kBytes:
                return writer.type == SchemaType::kString ? result : type_mismatch(reader, writer);
            case SchemaType::kString:
                return writer.type == SchemaType::kBytes ? result : type_mismatch(reader, writer);
            case SchemaType::kUnion:
                // The first reader branch that reads the writer wins.
                for (const SchemaNode* branch : reader.branches) {
                    if (check(*branch, writer).empty()) {
                        return result;
                    }
                }
                result.push_back(incompatible(
                    IncompatibilityType::kMissingUnionBranch,
                    "reader union lacking writer type: " + upper_type_name(writer.type)));
                return result;
            default:
                return type_mismatch(reader, writer);
        }
    }

    // [] or the one incompatibility found at `token` below the current location.
    std::vector<Incompatibility> found_at(const char* token,
                                          bool broken,
                                          IncompatibilityType type,
                                          std::string message) {
        if (!broken) {
            return {};
        }
        location_.emplace_back(token);
        std::vector<Incompatibility> result{incompatible(type, std::move(message))};
        location_.pop_back();
        return result;
    }

    // Equal simple names, or the writer's full name among the reader's aliases.
    std::vector<Incompatibility> check_names(const SchemaNode& reader, const SchemaNode& writer) {
        const auto& aliases = reader.aliases;
        const bool equal =
            reader.name == writer.name ||
            std::find(aliases.begin(), aliases.end(), writer.full_name()) != aliases.end();
        return found_at("name", !equal, IncompatibilityType::kNameMismatch,
                        "expected: " + writer.full_name());
    }

    std::vector<Incompatibility> check_fixed_size(const SchemaNode& reader,
                                                  const SchemaNode& writer) {
        return found_at("size", reader.fixed_size != writer.fixed_size,
                        IncompatibilityType::kFixedSizeMismatch,
                        "expected: " + std::to_string(writer.fixed_size) +
                            ", found: " + std::to_string(reader.fixed_size));
    }

    std::vector<Incompatibility> check_enum_symbols(const SchemaNode& reader,
                                                    const SchemaNode& writer) {
        std::set<std::string> missing(writer.symbols.begin(), writer.symbols.end());
        for (const auto& symbol : reader.symbols) {
            missing.erase(symbol);
        }
        std::string list = "[";
        for (const auto& symbol : missing) {
            list += (list.size() > 1 ? ", " : "") + symbol;
        }
        list += "]";
        // A reader enum default absorbs unknown symbols.
        return found_at("symbols", !missing.empty() && !reader.enum_default,
                        IncompatibilityType::kMissingEnumSymbols, list);
    }

    // The writer field a reader field reads: same name first, else one of the reader's aliases.
    static const Field* writer_field(const SchemaNode& writer, const Field& reader_field) {
        if (const Field* direct = writer.field(reader_field.name)) {
            return direct;
        }
        for (const auto& alias : reader_field.aliases) {
            if (const Field* aliased = writer.field(alias)) {
                return aliased;
            }
        }
        return nullptr;
    }

    std::vector<Incompatibility> check_fields(const SchemaNode& reader, const SchemaNode& writer) {
        location_.emplace_back("fields");
        std::vector<Incompatibility> result;
        for (const auto& field : reader.fields) {
            location_.push_back(std::to_string(field.position));
            if (const Field* source = writer_field(writer, field)) {
                merge(result, check(*field.type, *source->type, "type"));
            } else if (!field.default_value) {
                result.push_back(
                    incompatible(IncompatibilityType::kReaderFieldMissingDefaultValue, field.name));
            }
            location_.pop_back();
        }
        location_.pop_back();
        return result;
    }

    // Two trees within kMaxSchemaTypeDepth, walked side by side (a union advances one side).
    static constexpr int kMaxCompareDepth = 3 * kMaxSchemaTypeDepth;

    std::vector<std::string> location_;
    int open_ = 0;  // check() calls under way
    std::map<std::pair<const SchemaNode*, const SchemaNode*>,
             std::optional<std::vector<Incompatibility>>>
        memo_;
};

}  // namespace

std::string_view to_string(IncompatibilityType type) {
    switch (type) {
        case IncompatibilityType::kNameMismatch:
            return "NAME_MISMATCH";
        case IncompatibilityType::kFixedSizeMismatch:
            return "FIXED_SIZE_MISMATCH";
        case IncompatibilityType::kMissingEnumSymbols:
            return "MISSING_ENUM_SYMBOLS";
        case IncompatibilityType::kReaderFieldMissingDefaultValue:
            return "READER_FIELD_MISSING_DEFAULT_VALUE";
        case IncompatibilityType::kTypeMismatch:
            return "TYPE_MISMATCH";
        case IncompatibilityType::kMissingUnionBranch:
            return "MISSING_UNION_BRANCH";
    }
    return "UNKNOWN";
}

std::vector<Incompatibility> check_reader_writer(const SchemaNode& reader,
                                                 const SchemaNode& writer) {
    return Checker().check(reader, writer);
}

std::string describe(const Incompatibility& incompatibility,
                     std::string_view reader_label,
                     std::string_view writer_label) {
    const std::string& path = incompatibility.location;
    const std::string& info = incompatibility.message;
    const std::string reader(reader_label);
    const std::string writer(writer_label);
    std::string description;
    switch (incompatibility.type) {
        case IncompatibilityType::kFixedSizeMismatch:
            description = "The size of FIXED type field at path '" + path + "' in the " + reader +
                          " schema does not match with the " + writer + " schema";
            break;
        case IncompatibilityType::kTypeMismatch:
            description = "The type (path '" + path + "') of a field in the " + reader +
                          " schema does not match with the " + writer + " schema";
            break;
        case IncompatibilityType::kNameMismatch:
            description = "The name of the schema has changed (path '" + path + "')";
            break;
        case IncompatibilityType::kMissingEnumSymbols:
            description = "The " + reader + " schema is missing enum symbols '" + info +
                          "' at path '" + path + "' in the " + writer + " schema";
            break;
        case IncompatibilityType::kMissingUnionBranch:
            description = "The " + reader +
                          " schema is missing a type inside a union field at path '" + path +
                          "' in the " + writer + " schema";
            break;
        case IncompatibilityType::kReaderFieldMissingDefaultValue:
            description = "The field '" + info + "' at path '" + path + "' in the " + reader +
                          " schema has no default value and is missing in the " + writer +
                          " schema";
            break;
    }
    return "{errorType:'" + std::string(to_string(incompatibility.type)) + "', description:'" +
           description + "', additionalInfo:'" + info + "'}";
}

}  // namespace orderflow::avro
