#pragma once

// Small Avro schemas for the registry's unit tests: one record "R" with the given fields.

#include "registry/schema_types.h"

#include <memory>
#include <optional>
#include <string>

namespace orderflow::registry::testing {

/// {"type":"record","name":"R","fields":[<fields>]}
inline std::string record_schema(const std::string& fields) {
    return R"({"type":"record","name":"R","fields":[)" + fields + "]}";
}

inline constexpr const char* kIntA = R"({"name":"a","type":"int"})";
inline constexpr const char* kIntB = R"({"name":"b","type":"int"})";
inline constexpr const char* kIntBDefault = R"({"name":"b","type":"int","default":0})";

/// R with field a; R with fields a and b (b has no default: cannot read kOnlyA's data).
inline const std::string kOnlyA = record_schema(kIntA);
inline const std::string kWithB = record_schema(std::string(kIntA) + "," + kIntB);

inline ParsedSchema parsed(const std::string& text, const std::string& type = "AVRO") {
    return parse_schema(type, text, {}, [](const SchemaReference&) { return std::nullopt; });
}

inline std::shared_ptr<const ParsedSchema> shared(const std::string& text) {
    return std::make_shared<const ParsedSchema>(parsed(text));
}

}  // namespace orderflow::registry::testing
