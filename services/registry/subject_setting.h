#pragma once

// A setting with a global value and per-subject values, as /config and /mode are: a subject's
// own value wins, then the global one, then the registry's default.

#include <map>
#include <optional>
#include <string>

namespace orderflow::registry {

template <class T>
class SubjectSetting {
public:
    /// Sets the value of `subject` (the global one for nullopt); a nullopt value deletes it.
    void set(const std::optional<std::string>& subject, std::optional<T> value) {
        if (!subject) {
            global_ = value;
        } else if (value) {
            subjects_[*subject] = *value;
        } else {
            subjects_.erase(*subject);
        }
    }

    std::optional<T> global() const { return global_; }

    /// The subject's own value, without falling back to the global one.
    std::optional<T> of(const std::string& subject) const {
        const auto it = subjects_.find(subject);
        return it == subjects_.end() ? std::nullopt : std::optional<T>(it->second);
    }

    bool configured(const std::string& subject) const { return subjects_.count(subject) != 0; }

    /// The subject's value, else the global one, else `fallback`.
    T effective(const std::string& subject, T fallback) const {
        return of(subject).value_or(global_.value_or(fallback));
    }

private:
    std::optional<T> global_;
    std::map<std::string, T> subjects_;
};

}  // namespace orderflow::registry
