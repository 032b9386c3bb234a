#include "avro_schema/names.h"

#include "avro_schema/avro_schema.h"

namespace orderflow::avro {
namespace {

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

}  // namespace

bool is_valid_name(std::string_view name) {
    if (name.empty() || !is_name_start(name.front())) {
        return false;
    }
    for (char c : name.substr(1)) {
        if (!is_name_char(c)) {
            return false;
        }
    }
    return true;
}

void validate_name(std::string_view name, std::string_view what) {
    if (name.empty()) {
        throw SchemaParseError("Empty " + std::string(what));
    }
    if (!is_name_start(name.front())) {
        throw SchemaParseError("Illegal initial character in " + std::string(what) + ": " +
                               std::string(name));
    }
    if (!is_valid_name(name)) {
        throw SchemaParseError("Illegal character in " + std::string(what) + ": " +
                               std::string(name));
    }
}

QualifiedName qualify(std::string_view name, std::string_view space) {
    QualifiedName result;
    const auto last_dot = name.rfind('.');
    if (last_dot == std::string_view::npos) {
        result.name = std::string(name);
        result.space = std::string(space);
    } else {
        result.space = std::string(name.substr(0, last_dot));
        result.name = std::string(name.substr(last_dot + 1));
    }
    validate_name(result.name, "name");
    if (!result.space.empty()) {
        std::string_view rest = result.space;
        while (true) {
            const auto dot = rest.find('.');
            const auto part = rest.substr(0, dot);
            if (!is_valid_name(part)) {
                throw SchemaParseError("Invalid namespace: " + result.space);
            }
            if (dot == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(dot + 1);
        }
    }
    return result;
}

std::string relative_name(std::string_view full_name, std::string_view current_space) {
    const auto last_dot = full_name.rfind('.');
    if (last_dot == std::string_view::npos) {
        return std::string(full_name);
    }
    if (full_name.substr(0, last_dot) == current_space) {
        return std::string(full_name.substr(last_dot + 1));
    }
    return std::string(full_name);
}

}  // namespace orderflow::avro
