#pragma once

#include "registry_client/registry_client.h"

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace orderflow::serde {

/**
 * Which schema ids are registered under one subject (the topic's `<topic>-value`). `subjects_of`
 * names the subjects holding an id (the registry client's subject_versions_of). An id found
 * under the subject is remembered forever (ids are immutable); any other id is asked again on
 * every call, so a schema registered under the subject a moment ago is found. Thread-safe.
 * Errors: whatever `subjects_of` throws (nothing is remembered then).
 */
class SubjectIds {
public:
    using SubjectsOf = std::function<std::vector<std::string>(int)>;
    SubjectIds(std::string subject, SubjectsOf subjects_of)
        : subject_(std::move(subject)), subjects_of_(std::move(subjects_of)) {}

    bool holds(int id);
    const std::string& subject() const { return subject_; }

private:
    std::string subject_;
    SubjectsOf subjects_of_;
    std::mutex mutex_;
    std::set<int> held_;
};

/// `subjects_of` for SubjectIds from a registry client: GET /schemas/ids/{id}/versions.
SubjectIds::SubjectsOf subjects_from(registry_client::RegistryClient& registry);

}  // namespace orderflow::serde
