#include "registry/schema_types.h"

#include "common/text.h"
#include "registry/api_error.h"
#include "registry/json_limits.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <map>
#include <set>

namespace orderflow::registry {
namespace {

constexpr const char* kCompatibilityNotImplemented =
    "orderflow registry does not implement compatibility rules for %s schemas: versions of this "
    "type are not checked against each other (treated as compatible)";

void collect_avro_references(const std::vector<SchemaReference>& references,
                             const ReferenceResolver& resolver,
                             std::map<std::string, std::string>& out,
                             std::set<std::string>& visiting,
                             int depth = 1) {
    // References of references recurse here; their chain is bounded like type nesting.
    if (!references.empty() && depth > avro::kMaxSchemaTypeDepth) {
        throw errors::invalid_schema(
            "Invalid schema of type AVRO, details: references nest "
            "deeper than " +
            std::to_string(avro::kMaxSchemaTypeDepth));
    }
    for (const auto& ref : references) {
        const auto target = resolver(ref);
        if (!target) {
            throw errors::invalid_schema("Invalid schema: reference " + ref.name + " to subject '" +
                                         ref.subject + "' version " + std::to_string(ref.version) +
                                         " does not exist");
        }
        const auto marker = ref.subject + "\n" + std::to_string(ref.version);
        if (!visiting.insert(marker).second) {
            continue;
        }
        collect_avro_references(target->references, resolver, out, visiting, depth + 1);
        out[ref.name] = target->schema;
    }
}

// A lexical check of a .proto file: tokens, balanced brackets, statements closed, and at least
// one top-level message/enum/service. It finds typos and truncated files, not type errors.
void validate_protobuf(const std::string& text) {
    std::vector<char> stack;
    bool has_definition = false;
    int depth_zero_tokens = 0;
    std::string last_word;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            ++i;
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            i = text.find('\n', i);
            i = i == std::string::npos ? text.size() : i;
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            const auto end = text.find("*/", i + 2);
            if (end == std::string::npos) {
                throw std::runtime_error("unterminated comment");
            }
            i = end + 2;
        } else if (c == '"' || c == '\'') {
            std::size_t j = i + 1;
            while (j < text.size() && text[j] != c && text[j] != '\n') {
                j += text[j] == '\\' ? 2 : 1;
            }
            if (j >= text.size() || text[j] != c) {
                throw std::runtime_error("unterminated string literal");
            }
            i = j + 1;
        } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
                   c == '-' || c == '+') {
            std::size_t j = i;
            while (j < text.size() &&
                   (std::isalnum(static_cast<unsigned char>(text[j])) != 0 || text[j] == '_' ||
                    text[j] == '.' || text[j] == '-' || text[j] == '+')) {
                ++j;
            }
            last_word = text.substr(i, j - i);
            if (stack.empty()) {
                ++depth_zero_tokens;
                if (last_word == "message" || last_word == "enum" || last_word == "service") {
                    has_definition = true;
                }
            }
            i = j;
        } else if (c == '{' || c == '(' || c == '[' || c == '<') {
            stack.push_back(c);
            ++i;
        } else if (c == '}' || c == ')' || c == ']' || c == '>') {
            const char open = c == '}' ? '{' : c == ')' ? '(' : c == ']' ? '[' : '<';
            if (stack.empty() || stack.back() != open) {
                throw std::runtime_error(std::string("unexpected '") + c + "' at offset " +
                                         std::to_string(i));
            }
            stack.pop_back();
            ++i;
        } else if (c == ';' || c == '=' || c == ',' || c == ':') {
            ++i;
        } else {
            throw std::runtime_error(std::string("unexpected character '") + c + "' at offset " +
                                     std::to_string(i));
        }
    }
    if (!stack.empty()) {
        throw std::runtime_error(std::string("unclosed '") + stack.back() + "'");
    }
    if (!has_definition) {
        throw std::runtime_error("no message, enum or service definition");
    }
    (void)depth_zero_tokens;
}

void require_references(const std::vector<SchemaReference>& references,
                        const ReferenceResolver& resolver) {
    for (const auto& ref : references) {
        if (!resolver(ref)) {
            throw errors::invalid_schema("Invalid schema: reference " + ref.name + " to subject '" +
                                         ref.subject + "' version " + std::to_string(ref.version) +
                                         " does not exist");
        }
    }
}

}  // namespace

std::string ParsedSchema::fingerprint() const {
    std::string key = type + '\n' + canonical;
    for (const auto& r : references) {
        key += '\n' + r.name + '\n' + r.subject + '\n' + std::to_string(r.version);
    }
    return key;
}

bool is_known_schema_type(const std::string& type) {
    return type == "AVRO" || type == "JSON" || type == "PROTOBUF";
}

ParsedSchema parse_schema(const std::string& type,
                          const std::string& text,
                          const std::vector<SchemaReference>& references,
                          const ReferenceResolver& resolver,
                          bool normalize) {
    if (!is_known_schema_type(type)) {
        throw errors::invalid_schema("Invalid schema type " + type);
    }
    if (common::trim(text).empty()) {
        throw errors::invalid_schema("Empty schema");
    }
    ParsedSchema parsed;
    parsed.type = type;
    parsed.references = references;
    if (type == "AVRO") {
        std::map<std::string, std::string> resolved;
        std::set<std::string> visiting;
        collect_avro_references(references, resolver, resolved, visiting);
        try {
            auto schema = avro::AvroSchema::parse(text, resolved);
            parsed.canonical = normalize ? schema.normalized() : schema.canonical();
            parsed.avro = std::move(schema);
        } catch (const avro::SchemaParseError& e) {
            throw errors::invalid_schema("Invalid schema of type AVRO, details: " +
                                         std::string(e.what()));
        }
        return parsed;
    }
    if (type == "JSON") {
        try {
            const auto json = parse_json<nlohmann::ordered_json>(text, kMaxSchemaJsonDepth);
            if (!json.is_object() && !json.is_boolean()) {
                throw errors::invalid_schema(
                    "Invalid schema of type JSON, details: a JSON Schema must be an object or a "
                    "boolean");
            }
            parsed.canonical = json.dump();
        } catch (const ApiError&) {
            throw;
        } catch (const std::exception& e) {  // malformed, too deep, or invalid UTF-8 to dump
            throw errors::invalid_schema("Invalid schema of type JSON, details: " +
                                         std::string(e.what()));
        }
        require_references(references, resolver);
        return parsed;
    }
    try {
        validate_protobuf(text);
    } catch (const std::runtime_error& e) {
        throw errors::invalid_schema("Invalid schema of type PROTOBUF, details: " +
                                     std::string(e.what()));
    }
    require_references(references, resolver);
    parsed.canonical = std::string(common::trim(text));
    return parsed;
}

avro::CompatibilityLevel non_transitive(avro::CompatibilityLevel level) {
    switch (level) {
        case avro::CompatibilityLevel::kBackwardTransitive:
            return avro::CompatibilityLevel::kBackward;
        case avro::CompatibilityLevel::kForwardTransitive:
            return avro::CompatibilityLevel::kForward;
        case avro::CompatibilityLevel::kFullTransitive:
            return avro::CompatibilityLevel::kFull;
        default:
            return level;
    }
}

bool is_transitive(avro::CompatibilityLevel level) {
    return non_transitive(level) != level;
}

CompatibilityResult check_pair(const ParsedSchema& candidate,
                               const ParsedSchema& previous,
                               int previous_version,
                               avro::CompatibilityLevel level) {
    CompatibilityResult result;
    if (level == avro::CompatibilityLevel::kNone) {
        return result;
    }
    if (candidate.type != previous.type) {
        result.messages = {
            "{errorType:'DIFFERENT_SCHEMA_TYPE', description:'Incompatible because of different "
            "schema type'}",
            "{oldSchemaVersion: " + std::to_string(previous_version) + "}",
            "{oldSchema: '" + previous.canonical + "'}",
            "{validateFields: 'false', compatibility: '" + avro::to_string(level) + "'}"};
        return result;
    }
    if (candidate.type == "AVRO" && candidate.avro && previous.avro) {
        result.messages = avro::check_compatibility(
            *candidate.avro, std::vector<avro::VersionedSchema>{{previous_version, *previous.avro}},
            level);
        return result;
    }
    std::string note = kCompatibilityNotImplemented;
    note.replace(note.find("%s"), 2, candidate.type);
    result.note = note;
    return result;
}

}  // namespace orderflow::registry
