#include "registry/registration_plan.h"

#include "registry/api_error.h"

namespace orderflow::registry {
namespace {

const std::map<int, SubjectVersion>& versions_of(const StoreState& state,
                                                 const std::string& subject) {
    static const std::map<int, SubjectVersion> kNone;
    const auto it = state.subjects.find(subject);
    return it != state.subjects.end() ? it->second : kNone;
}

// The id of the same schema live in the subject (at the requested version, if one is given).
std::optional<int> live_id(const StoreState& state,
                           const std::map<int, SubjectVersion>& versions,
                           const Registration& registration,
                           const std::string& fingerprint) {
    for (const auto& [v, entry] : versions) {
        if (!entry.deleted && state.schemas.at(entry.id).fingerprint == fingerprint &&
            (!registration.version || *registration.version == v)) {
            return entry.id;
        }
    }
    return std::nullopt;
}

}  // namespace

bool admit_registration(Mode mode, const std::string& subject, std::optional<int> id) {
    if (is_read_only(mode)) {
        throw errors::operation_not_permitted("Subject " + subject +
                                              " in context . is in read-only mode");
    }
    const bool import = mode == Mode::kImport;
    if (!import && id && *id >= 0) {
        throw errors::operation_not_permitted(
            "Subject " + subject +
            " is not in import mode: a schema id may be given only in IMPORT mode");
    }
    if (import && (!id || *id < 1)) {
        throw errors::operation_not_permitted("Subject " + subject +
                                              " is in import mode: the request must give an id");
    }
    return import;
}

RegistrationPlan plan_registration(const StoreState& state,
                                   const Registration& registration,
                                   Mode mode,
                                   const RegistryRules& rules) {
    const auto& subject = registration.subject;
    const bool import = admit_registration(mode, subject, registration.id);
    const auto fingerprint = registration.schema.fingerprint();
    const auto& versions = versions_of(state, subject);
    RegistrationPlan plan;
    if (const auto id = live_id(state, versions, registration, fingerprint)) {
        plan.id = *id;  // no write, no compatibility check
        return plan;
    }
    const int next_version = versions.empty() ? 1 : versions.rbegin()->first + 1;
    int version = next_version;
    if (import) {
        version = registration.version.value_or(next_version);
        if (versions.count(version) != 0) {
            throw errors::id_mismatch("Version " + std::to_string(version) +
                                      " already exists in subject " + subject);
        }
        const auto by_id = state.schemas.find(*registration.id);
        if (by_id != state.schemas.end() && by_id->second.fingerprint != fingerprint) {
            throw errors::id_mismatch("Overwrite new schema with id " +
                                      std::to_string(*registration.id) + " is not permitted.");
        }
        plan.id = *registration.id;
    } else {
        if (registration.version && *registration.version != next_version) {
            throw errors::invalid_schema("Version is not one more than previous version");
        }
        const auto level = state.compatibility.effective(subject, rules.default_compatibility);
        plan.check = check_history(registration.schema, live_history(state, subject), level);
        if (!plan.check.compatible()) {
            throw errors::incompatible(rules.incompatible_error_code, subject,
                                       details_message(plan.check.messages));
        }
        const auto known = state.id_by_fingerprint.find(fingerprint);
        plan.id = known != state.id_by_fingerprint.end() ? known->second : state.max_id + 1;
    }
    const auto& schema = registration.schema;
    const SchemaValue value{subject,           version,          plan.id, schema.type,
                            schema.references, schema.canonical, false};
    plan.records.push_back({records::schema_key(subject, version), records::schema_value(value)});
    for (const auto& [v, entry] : versions) {
        if (entry.deleted && entry.id == plan.id && state.referencing_ids(subject, v).empty()) {
            plan.records.push_back({records::schema_key(subject, v), std::nullopt});
        }
    }
    return plan;
}

}  // namespace orderflow::registry
