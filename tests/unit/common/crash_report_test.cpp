// How a process ends when something goes wrong: a thread's uncaught exception, a fatal signal,
// std::terminate. Each case runs in a death-test child (a real process that really dies) and
// asserts its exit status and the line it left on stderr.
#include "common/fatal_signal.h"
#include "common/guarded_thread.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "common/terminate_log.h"

#include <gtest/gtest.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace orderflow::common {
namespace {

class CrashReport : public ::testing::Test {
protected:
    void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// What a service's main() does: wait for a stop, shut down, exit with final_exit_code.
[[noreturn]] void run_like_main(int command_code) {
    while (!sleep_unless_stopped(std::chrono::milliseconds(50))) {
    }
    std::exit(final_exit_code(command_code));
}

// A sanitizer may own the handler already; the tests check ours.
void install_ours() {
    for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
        std::signal(signal, SIG_DFL);
    }
    install_fatal_signal_handlers();
}

// Deep enough to overflow any thread stack; the depth check keeps it from looking infinite.
int recurse(int depth) {
    std::array<volatile char, 1024> frame{};
    frame[0] = static_cast<char>(depth);
    if (depth == -1) {
        return frame[0];
    }
    return recurse(depth + 1) + frame[0];
}

TEST_F(CrashReport, ThreadThatThrowsStopsTheProcessWithItsReasonAndExitCode) {
    EXPECT_EXIT(
        {
            init_logging("sampler-test", "info");
            std::thread thread(
                guarded("overview sampler", [] { throw std::runtime_error("scrape exploded"); }));
            thread.join();
            run_like_main(0);
        },
        ::testing::ExitedWithCode(kFailureExitCode),
        "critical \\[sampler-test\\] overview sampler failed: std::runtime_error: scrape "
        "exploded; stopping.*orderflow: stopped because overview sampler failed");
}

TEST_F(CrashReport, ThreadThatThrowsANonStandardTypeIsNamedByItsType) {
    struct NotAnException {};
    EXPECT_EXIT(
        {
            init_logging("odd-test", "info");
            std::thread thread(guarded("poller", [] { throw NotAnException{}; }));
            thread.join();
            run_like_main(0);
        },
        ::testing::ExitedWithCode(kFailureExitCode), "poller failed: .*NotAnException; stopping");
}

TEST_F(CrashReport, ProcessThatDoesNotStopAfterAThreadFailedIsEnded) {
    EXPECT_EXIT(
        {
            init_logging("stuck-test", "info");
            std::thread thread(
                [] { run_guarded("reader", [] { throw std::logic_error("bad offset"); }, {}); });
            thread.join();
            for (;;) {
                pause();  // a main loop that never looks at stop_requested()
            }
        },
        ::testing::ExitedWithCode(kFailureExitCode),
        "reader failed: std::logic_error: bad offset; stopping.*still running 0 ms after");
}

TEST_F(CrashReport, ThreadThatReturnsLeavesTheProcessRunning) {
    std::thread thread(guarded("quiet", [] {}));
    thread.join();
    EXPECT_FALSE(failure_reason().has_value());
    EXPECT_FALSE(stop_requested());
}

TEST_F(CrashReport, SigsegvLeavesOneLineNamingItAndEndsByTheSignal) {
    EXPECT_EXIT(
        {
            install_ours();
            set_fatal_signal_tag("consumer");
            kill(getpid(), SIGSEGV);  // as `kill -SEGV` from outside would
            pause();
        },
        ::testing::KilledBySignal(SIGSEGV),
        "^[0-9-]+T[0-9:.]+Z critical \\[consumer\\] fatal signal SIGSEGV \\(pid [0-9]+\\); the "
        "process ends with the signal's default action\n$");
}

TEST_F(CrashReport, StackOverflowInAGuardedThreadIsReportedToo) {
    EXPECT_EXIT(
        {
            install_ours();
            std::thread thread(guarded("decoder", [] { recurse(0); }));
            thread.join();
        },
        ::testing::KilledBySignal(SIGSEGV), "fatal signal SIGSEGV");
}

TEST_F(CrashReport, EachFatalSignalIsNamed) {
    for (const auto& [signal, name] :
         {std::pair{SIGBUS, "SIGBUS"}, std::pair{SIGFPE, "SIGFPE"}, std::pair{SIGILL, "SIGILL"},
          std::pair{SIGABRT, "SIGABRT"}}) {
        EXPECT_EXIT(
            {
                install_ours();
                raise(signal);
            },
            ::testing::KilledBySignal(signal), std::string("fatal signal ") + name);
    }
}

TEST_F(CrashReport, UncaughtExceptionIsLoggedBeforeTheAbort) {
    EXPECT_EXIT(
        {
            init_logging("registry-test", "info");
            install_ours();
            install_terminate_handler();
            std::thread([] { throw std::length_error("trailer too long"); }).join();
        },
        ::testing::KilledBySignal(SIGABRT),
        "terminate: uncaught std::length_error: trailer too long; aborting.*fatal signal SIGABRT");
}

TEST(DescribeCurrentException, NamesTypeAndWhat) {
    try {
        throw std::out_of_range("index 7");
    } catch (...) {
        EXPECT_EQ(describe_current_exception(), "std::out_of_range: index 7");
    }
    EXPECT_EQ(describe_current_exception(), "no active exception");
}

}  // namespace
}  // namespace orderflow::common
