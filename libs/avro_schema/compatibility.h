#pragma once

// Avro schema resolution as a compatibility check (apache/avro SchemaCompatibility's rules):
// can a reader schema decode data written with a writer schema? Incompatibilities are values;
// `describe` turns them into Confluent's message text.

#include "avro_schema/schema_node.h"

#include <string>
#include <string_view>
#include <vector>

namespace orderflow::avro {

enum class IncompatibilityType {
    kNameMismatch,
    kFixedSizeMismatch,
    kMissingEnumSymbols,
    kReaderFieldMissingDefaultValue,
    kTypeMismatch,
    kMissingUnionBranch,
};

/// "NAME_MISMATCH", "TYPE_MISMATCH", ... (Avro's SchemaIncompatibilityType names).
std::string_view to_string(IncompatibilityType type);

struct Incompatibility {
    IncompatibilityType type;
    std::string location;  // JSON pointer into the reader schema, e.g. "/fields/1/type"
    std::string message;   // Avro's detail, e.g. "reader type: INT not compatible with ..."
};

/// Every reason `reader` cannot read data written with `writer`; empty means compatible.
std::vector<Incompatibility> check_reader_writer(const SchemaNode& reader,
                                                 const SchemaNode& writer);

/// Confluent's rendering (io.confluent...avro.Difference): `reader_label`/`writer_label` are
/// "new"/"old" when the new schema reads, "old"/"new" when the old one does:
/// {errorType:'...', description:'...', additionalInfo:'...'}
std::string describe(const Incompatibility& incompatibility,
                     std::string_view reader_label,
                     std::string_view writer_label);

}  // namespace orderflow::avro
