#pragma once

// The contract between the Avro schema library (parse, canonical form, compatibility) and its
// users (the registry, the order codec). Pure logic: no I/O, no Kafka, no HTTP.

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::avro {

/// Confluent's compatibility levels (`/config` values), with their transitive forms.
enum class CompatibilityLevel {
    kNone,
    kBackward,
    kBackwardTransitive,
    kForward,
    kForwardTransitive,
    kFull,
    kFullTransitive,
};

/// "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", ... as Confluent spells them.
std::string to_string(CompatibilityLevel level);
/// Accepts Confluent's spellings (case-insensitive); nullopt for anything else.
std::optional<CompatibilityLevel> compatibility_level_from_string(std::string_view text);

/// Deepest nesting of arrays and objects in a schema text; deeper text is refused before it is
/// parsed (every later walk over the JSON recurses).
constexpr int kMaxSchemaJsonDepth = 256;
/// Deepest nesting of types (records, arrays, maps, unions), counted through named types used
/// again, so every recursive walk over a parsed schema is bounded.
constexpr int kMaxSchemaTypeDepth = 100;

/** A schema text that is not valid Avro; the message says what and where, as Confluent's does. */
class SchemaParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct SchemaNode;  // the parsed tree; defined by the implementation

/**
 * A parsed, validated Avro schema. Immutable and cheap to copy (shared tree).
 * `references` maps a referenced name (e.g. "com.acme.Customer") to that schema's text, so a
 * schema may use named types registered under other subjects (Confluent schema references).
 */
class AvroSchema {
public:
    /// Errors: SchemaParseError for bad JSON, unknown types, bad names, duplicate names or
    /// fields, defaults that do not match their type, unresolvable references.
    static AvroSchema parse(std::string_view text,
                            const std::map<std::string, std::string>& references = {});

    /// The canonical text Confluent stores and returns (whitespace-free JSON, attributes kept).
    /// Two registrations are "the same schema" when their canonical texts are equal.
    const std::string& canonical() const;
    /// The normalized text used with `normalize=true` (Parsing Canonical Form plus the
    /// attributes Confluent keeps, namespaces resolved to full names).
    std::string normalized() const;
    /// Fully qualified name of a named top-level type ("com.acme.Order"), else the type name.
    std::string name() const;

    const SchemaNode& root() const;

private:
    struct State;
    explicit AvroSchema(std::shared_ptr<const State> state);
    std::shared_ptr<const State> state_;
};

/**
 * Can a reader with `reader` schema read data written with `writer`? (Avro schema resolution
 * rules, honouring reader defaults.) Returns the reasons it cannot, one message each, in
 * Confluent's style naming the path and what broke; empty means compatible.
 */
std::vector<std::string> can_read(const AvroSchema& reader, const AvroSchema& writer);

/**
 * Checks `candidate` against the `existing` versions of a subject (oldest first) at `level`:
 * non-transitive levels compare with the newest only, transitive ones with all. Returns the
 * incompatibility messages; empty means the candidate may be registered.
 */
std::vector<std::string> check_compatibility(const AvroSchema& candidate,
                                             const std::vector<AvroSchema>& existing,
                                             CompatibilityLevel level);

// ---- Additions to the contract (nothing above changed) ----

/// An existing version of a subject with its real version number, for the messages.
struct VersionedSchema {
    int version;
    AvroSchema schema;
};

/**
 * As above, with the real version numbers. The messages of the first (newest-first) version that
 * fails are returned, as Confluent does: its differences (for FULL the "old reads new" ones
 * first), then `{oldSchemaVersion: N}`, `{oldSchema: '<canonical>'}` and
 * `{validateFields: 'false', compatibility: 'LEVEL'}`. The overload without versions numbers
 * `existing` 1, 2, ... by position.
 */
std::vector<std::string> check_compatibility(const AvroSchema& candidate,
                                             const std::vector<VersionedSchema>& existing,
                                             CompatibilityLevel level);

}  // namespace orderflow::avro
