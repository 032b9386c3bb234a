#pragma once

// Schema types the registry accepts: AVRO (parsed, canonicalized and checked for compatibility
// by libs/avro_schema), JSON and PROTOBUF (syntax-checked and stored; compatibility between two
// versions of these types is not checked, see README.md).

#include "avro_schema/avro_schema.h"
#include "registry/records.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::registry {

/// A schema after validation: the canonical text is what is stored, hashed and returned.
struct ParsedSchema {
    std::string type;  // AVRO, JSON or PROTOBUF
    std::string canonical;
    std::vector<SchemaReference> references;
    std::optional<avro::AvroSchema> avro;  // set for AVRO

    /// Identity of the schema across subjects: type, canonical text and references.
    std::string fingerprint() const;
};

/// Finds the schema a reference points at (its SCHEMA value), or nullopt.
using ReferenceResolver = std::function<std::optional<SchemaValue>(const SchemaReference&)>;

/// True for AVRO, JSON and PROTOBUF (case-sensitive, as Confluent's provider map).
bool is_known_schema_type(const std::string& type);

/**
 * Validates and canonicalizes `text` of `type`. With `normalize`, AVRO uses the normalized
 * form. Errors: ApiError 42201 ("Invalid schema ...", "Invalid schema type X", "Empty schema").
 */
ParsedSchema parse_schema(const std::string& type,
                          const std::string& text,
                          const std::vector<SchemaReference>& references,
                          const ReferenceResolver& resolver,
                          bool normalize = false);

/// What a compatibility check between two schemas found: messages, empty when compatible.
struct CompatibilityResult {
    std::vector<std::string> messages;
    /// Set when the pair's type has no compatibility rules here (JSON, PROTOBUF).
    std::optional<std::string> note;
};

/**
 * Checks `candidate` against one `previous` schema (version `previous_version` of the subject)
 * at `level` (the caller walks the versions for transitive levels). Messages are Confluent's:
 * the differences, then {oldSchemaVersion: N}, {oldSchema: '...'} and the level.
 */
CompatibilityResult check_pair(const ParsedSchema& candidate,
                               const ParsedSchema& previous,
                               int previous_version,
                               avro::CompatibilityLevel level);

/// BACKWARD for BACKWARD_TRANSITIVE and so on; NONE/BACKWARD/... unchanged.
avro::CompatibilityLevel non_transitive(avro::CompatibilityLevel level);
bool is_transitive(avro::CompatibilityLevel level);

}  // namespace orderflow::registry
