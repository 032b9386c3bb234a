#pragma once

#include <chrono>

namespace orderflow::common {

/// Installs SIGINT/SIGTERM handlers that request a stop; long-running loops poll stop_requested().
void install_stop_handlers();

/// True once SIGINT or SIGTERM arrived (or request_stop() was called).
bool stop_requested();

/// Asks every loop to stop, as a signal would (tests and fatal errors use it).
void request_stop();

/// Sleeps up to `duration`, returning early (true) when a stop is requested.
bool sleep_unless_stopped(std::chrono::milliseconds duration);

}  // namespace orderflow::common
