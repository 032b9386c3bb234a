#pragma once

// Planning a registration (POST /subjects/{s}/versions): which id the schema gets and which
// `_schemas` records say so, decided from the store's state alone. Pure: the handler reads the
// state under the store's lock, and appends the records.

#include "registry/config_types.h"
#include "registry/history_check.h"
#include "registry/records.h"
#include "registry/schema_store.h"

#include <optional>
#include <string>
#include <vector>

namespace orderflow::registry {

/// A schema to register under a subject, already parsed.
struct Registration {
    std::string subject;
    ParsedSchema schema;
    std::optional<int> version;  // as the request gave them
    std::optional<int> id;
};

struct RegistrationPlan {
    int id = 0;
    /// Nothing to write when the schema is already live in the subject.
    std::vector<Record> records;
    /// What the compatibility check found worth logging.
    HistoryCheck check;
};

/**
 * Whether `mode` lets a registration under `subject` in, and whether it imports. Checked before
 * the schema is parsed, so a read-only subject answers that first. Errors: ApiError 42205
 * (read-only mode; an id outside IMPORT mode; no id in IMPORT mode).
 */
bool admit_registration(Mode mode, const std::string& subject, std::optional<int> id);

/**
 * The id and records for `registration` in `state`, whose subject is in `mode`: the id of the
 * same schema already live in the subject (no records); in IMPORT mode the given id and
 * version; else the next version, after the schema passed the compatibility check, with the
 * schema's existing id or a new one. Older soft-deleted versions of the schema in the subject
 * that nothing references are deleted too, as Confluent does.
 * Errors: ApiError 42205 (see admit_registration), 409/40901 incompatible, 42201 (a version
 * that is not the next one), 42207 (IMPORT: version taken, or id naming another schema).
 */
RegistrationPlan plan_registration(const StoreState& state,
                                   const Registration& registration,
                                   Mode mode,
                                   const RegistryRules& rules);

}  // namespace orderflow::registry
