#include "common/guarded_thread.h"

#include "common/fatal_signal.h"
#include "common/shutdown.h"
#include "common/terminate_log.h"

#include <spdlog/spdlog.h>

#include <thread>
#include <unistd.h>

namespace orderflow::common {
namespace {

// Ends the process if the stop that request_stop_for_failure() asked for does not happen.
void end_after(std::chrono::milliseconds grace, const std::string& reason) {
    std::thread([grace, reason] {
        std::this_thread::sleep_for(grace);
        spdlog::critical("still running {} ms after \"{}\"; exiting with {}", grace.count(), reason,
                         kFailureExitCode);
        spdlog::default_logger()->flush();
        _exit(kFailureExitCode);
    }).detach();
}

}  // namespace

void run_guarded(const std::string& name,
                 const std::function<void()>& body,
                 std::chrono::milliseconds grace) {
    ensure_alternate_signal_stack();
    std::string reason;
    try {
        body();
        return;
    } catch (...) {
        reason = name + " failed: " + describe_current_exception();
    }
    spdlog::critical("{}; stopping", reason);
    if (request_stop_for_failure(reason)) {
        end_after(grace, reason);
    }
}

}  // namespace orderflow::common
