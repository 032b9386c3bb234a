#pragma once

// The values of /config and /mode as types: the one place their names are parsed and spelled,
// and the registry's configured defaults.

#include "avro_schema/avro_schema.h"

#include <optional>
#include <string>
#include <string_view>

namespace orderflow::registry {

/// What writes a subject takes (Confluent's modes).
enum class Mode {
    kReadWrite,
    kReadOnly,
    kReadOnlyOverride,
    kImport,
    kForward,  // accepted for the global scope only
};

/// "READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT", "FORWARD".
std::string to_string(Mode mode);
/// Accepts Confluent's spellings (case-insensitive); nullopt for anything else.
std::optional<Mode> parse_mode(std::string_view text);
/// READONLY and READONLY_OVERRIDE refuse every write to the subject.
bool is_read_only(Mode mode);

using CompatibilityLevel = avro::CompatibilityLevel;
using avro::to_string;
/// Accepts Confluent's spellings (case-insensitive); nullopt for anything else.
std::optional<CompatibilityLevel> parse_compatibility_level(std::string_view text);

/// The registry's defaults as configured (REGISTRY_DEFAULT_COMPATIBILITY, ...).
struct RegistryOptions {
    /// Compatibility when neither the subject nor the global config sets one.
    std::string default_compatibility = "BACKWARD";
    /// error_code of 409 answers: 409 (CSR <= 8.0.3) or 40901 (newer CSR).
    int incompatible_error_code = 409;
};

/// RegistryOptions parsed: what the handlers and the registration planner go by.
struct RegistryRules {
    CompatibilityLevel default_compatibility = CompatibilityLevel::kBackward;
    int incompatible_error_code = 409;
};

/// An unknown default_compatibility (the command line refuses one) counts as BACKWARD.
RegistryRules rules_of(const RegistryOptions& options);

}  // namespace orderflow::registry
