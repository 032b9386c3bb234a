#include "avro_schema/schema_json.h"

#include "avro_schema/avro_schema.h"
#include "avro_schema/json_writer.h"

#include <algorithm>

namespace orderflow::avro {

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

std::string to_text(const Json& json) {
    std::string out;
    append_json(out, json);
    return out;
}

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

}  // namespace orderflow::avro
