#pragma once

// Restarts and last exit reason of each service, as supervisord saw them: `make up` runs the
// services under supervisord, whose event listener (scripts/lib/supervise.py) keeps a JSON
// state file; the overview adds its figures to the health list's parts.

#include <nlohmann/json.hpp>

#include <string>

namespace orderflow::console {

/// The state file's JSON object, or an empty object when `path` is empty, missing or not JSON
/// (the console also runs without supervisord). Never throws.
nlohmann::json read_supervisor_state(const std::string& path);

/**
 * Adds `restarts` and `last_exit` (null: never exited) to each part of `parts` that the state
 * names: by its `url` (scheme://host:port equal to a program's) or else by its `name`. Parts the
 * state does not name are left as they are.
 */
void add_supervisor_state(nlohmann::json& parts, const nlohmann::json& state);

}  // namespace orderflow::console
