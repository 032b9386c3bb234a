#pragma once

// Runs a command to completion and collects what it printed (stdout and stderr together): the
// console runs its audits this way, so their memory (every order compared) is never its own.

#include <chrono>
#include <string>
#include <vector>

namespace orderflow::console {

struct CommandOutcome {
    int exit_code = -1;      ///< the exit status; -1 when it was killed or could not start
    bool timed_out = false;  ///< killed at the deadline
    std::string output;      ///< stdout and stderr, interleaved as written
};

/// `argv[0]` is the program's path. Kills the child (SIGKILL) once `timeout` has passed, also
/// one that closed its output and goes on running.
/// Errors: std::runtime_error when the pipe or the child cannot be made.
CommandOutcome run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace orderflow::console
