#include "common/shutdown.h"

#include <atomic>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

namespace orderflow::common {
namespace {

std::atomic<bool> g_stop{false};
std::mutex g_failure_mutex;
std::optional<std::string> g_failure;

extern "C" void on_stop_signal(int /*signal*/) {
    g_stop.store(true);
}

}  // namespace

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested() {
    return g_stop.load();
}

void request_stop() {
    g_stop.store(true);
}

bool request_stop_for_failure(const std::string& reason) {
    std::lock_guard lock(g_failure_mutex);
    g_stop.store(true);
    if (g_failure) {
        return false;
    }
    g_failure = reason;
    return true;
}

std::optional<std::string> failure_reason() {
    std::lock_guard lock(g_failure_mutex);
    return g_failure;
}

int final_exit_code(int command_code) {
    if (const auto reason = failure_reason()) {
        std::cerr << "orderflow: stopped because " << *reason << "\n";
        return kFailureExitCode;
    }
    return command_code;
}

bool sleep_unless_stopped(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
        if (g_stop.load()) {
            return true;
        }
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(50), std::chrono::duration_cast<std::chrono::milliseconds>(
                                               deadline - std::chrono::steady_clock::now())));
    }
    return g_stop.load();
}

}  // namespace orderflow::common
