#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace orderflow::common {

/// Installs SIGINT/SIGTERM handlers that request a stop; long-running loops poll stop_requested().
void install_stop_handlers();

/// True once SIGINT or SIGTERM arrived (or request_stop() was called).
bool stop_requested();

/// Asks every loop to stop, as a signal would (tests and fatal errors use it).
void request_stop();

/// Exit code of a process stopped by request_stop_for_failure() (EX_SOFTWARE): a supervisor
/// restarts it, unlike a clean 0.
inline constexpr int kFailureExitCode = 70;

/// Asks every loop to stop because a part of the process failed (a thread's uncaught
/// exception). The first reason is kept for failure_reason(); returns true for that first call.
bool request_stop_for_failure(const std::string& reason);

/// The first request_stop_for_failure() reason: main() then exits with kFailureExitCode.
std::optional<std::string> failure_reason();

/// What main() returns: `command_code`, or kFailureExitCode (with a line on stderr naming the
/// reason) when request_stop_for_failure() stopped the process.
int final_exit_code(int command_code);

/// Sleeps up to `duration`, returning early (true) when a stop is requested.
bool sleep_unless_stopped(std::chrono::milliseconds duration);

}  // namespace orderflow::common
