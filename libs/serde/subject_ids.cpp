#include "serde/subject_ids.h"

#include <algorithm>

namespace orderflow::serde {

bool SubjectIds::holds(int id) {
    {
        std::lock_guard lock(mutex_);
        if (held_.contains(id)) {
            return true;
        }
    }
    // Asked without the lock: a slow registry must not block ids already known.
    const auto subjects = subjects_of_(id);
    if (std::find(subjects.begin(), subjects.end(), subject_) == subjects.end()) {
        return false;
    }
    std::lock_guard lock(mutex_);
    held_.insert(id);
    return true;
}

SubjectIds::SubjectsOf subjects_from(registry_client::RegistryClient& registry) {
    return [&registry](int id) {
        std::vector<std::string> subjects;
        for (const auto& [subject, version] : registry.subject_versions_of(id)) {
            subjects.push_back(subject);
        }
        return subjects;
    };
}

}  // namespace orderflow::serde
