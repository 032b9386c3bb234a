#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>

namespace orderflow::common {

/// How long a process may take to stop by itself after a thread failed, before it is ended.
inline constexpr std::chrono::seconds kFailedThreadStopGrace{30};

/**
 * Runs `body` as a thread's whole life. An exception that escapes it never reaches
 * std::terminate: it is logged as `<name> failed: <type>: <what>; stopping` and the process is
 * asked to stop through request_stop_for_failure(), so main() shuts down as on SIGTERM and
 * exits with kFailureExitCode. If the process still runs `grace` later (a loop that does not
 * poll stop_requested()), it is ended with _exit(kFailureExitCode) and a line saying so.
 * A body that handles its own errors and returns is simply done.
 */
void run_guarded(const std::string& name,
                 const std::function<void()>& body,
                 std::chrono::milliseconds grace = kFailedThreadStopGrace);

/// `std::thread(guarded("leader election", [this] { loop(); }))`: the body under run_guarded.
template <class Body>
auto guarded(std::string name, Body body) {
    return [name = std::move(name), body = std::move(body)]() mutable {
        run_guarded(name, [&body] { body(); });
    };
}

}  // namespace orderflow::common
