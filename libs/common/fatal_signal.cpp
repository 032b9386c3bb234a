#include "common/fatal_signal.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <memory>
#include <unistd.h>

namespace orderflow::common {
namespace {

constexpr std::array kFatalSignals = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

// Written by set_fatal_signal_tag before any thread could fault; read only by the handler.
std::array<char, 32> g_tag = {'o', 'r', 'd', 'e', 'r', 'f', 'l', 'o', 'w', '\0'};

// A fixed buffer the handler appends to: nothing in it may allocate or lock.
struct Line {
    std::array<char, 256> text{};
    std::size_t size = 0;

    void add(const char* s) {
        while (*s != '\0' && size < text.size()) {
            text[size++] = *s++;
        }
    }
    void add_number(std::uint64_t value, int min_digits = 1) {
        std::array<char, 20> digits{};
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0 && count < 20);
        while (count < min_digits && count < 20) {
            digits[count++] = '0';
        }
        while (count > 0 && size < text.size()) {
            text[size++] = digits[--count];
        }
    }
};

const char* signal_name(int signal) {
    switch (signal) {
        case SIGSEGV:
            return "SIGSEGV";
        case SIGBUS:
            return "SIGBUS";
        case SIGFPE:
            return "SIGFPE";
        case SIGILL:
            return "SIGILL";
        case SIGABRT:
            return "SIGABRT";
        default:
            return "unknown signal";
    }
}

// UTC timestamp as init_logging writes it; gmtime is not async-signal-safe, so the date is
// computed from the day count (Howard Hinnant's civil_from_days).
void add_timestamp(Line& line) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const std::int64_t seconds = now.tv_sec;
    const std::int64_t days = seconds / 86400;
    const std::int64_t of_day = seconds % 86400;
    const std::int64_t z = days + 719468;
    const std::int64_t era = z / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    line.add_number(static_cast<std::uint64_t>(year), 4);
    line.add("-");
    line.add_number(static_cast<std::uint64_t>(month), 2);
    line.add("-");
    line.add_number(static_cast<std::uint64_t>(day), 2);
    line.add("T");
    line.add_number(static_cast<std::uint64_t>(of_day / 3600), 2);
    line.add(":");
    line.add_number(static_cast<std::uint64_t>(of_day / 60 % 60), 2);
    line.add(":");
    line.add_number(static_cast<std::uint64_t>(of_day % 60), 2);
    line.add(".");
    line.add_number(static_cast<std::uint64_t>(now.tv_nsec / 1000000), 3);
    line.add("Z");
}

extern "C" void on_fatal_signal(int signal) {
    const int saved_errno = errno;
    Line line;
    add_timestamp(line);
    line.add(" critical [");
    line.add(g_tag.data());
    line.add("] fatal signal ");
    line.add(signal_name(signal));
    line.add(" (pid ");
    line.add_number(static_cast<std::uint64_t>(getpid()));
    line.add("); the process ends with the signal's default action\n");
    // One write: a line that other threads' logging cannot split.
    [[maybe_unused]] const auto written = write(STDERR_FILENO, line.text.data(), line.size);
    // SA_RESETHAND restored the default action; a signal sent by kill(2) is not raised again by
    // returning, so raise it (blocked until this handler returns, then it ends the process).
    raise(signal);
    errno = saved_errno;
}

}  // namespace

void ensure_alternate_signal_stack() {
    // Disabled before its memory goes with the thread, so the kernel never points at freed bytes.
    struct AlternateStack {
        std::unique_ptr<char[]> memory;
        ~AlternateStack() {
            if (memory) {
                stack_t off{};
                off.ss_flags = SS_DISABLE;
                sigaltstack(&off, nullptr);
            }
        }
    };
    thread_local AlternateStack stack;
    if (stack.memory) {
        return;
    }
    // SIGSTKSZ is not a constant on newer glibc; 64 KiB is ample for one write(2).
    constexpr std::size_t kSize = 64 * 1024;
    stack.memory = std::make_unique<char[]>(kSize);
    stack_t alternate{};
    alternate.ss_sp = stack.memory.get();
    alternate.ss_size = kSize;
    sigaltstack(&alternate, nullptr);
}

void install_fatal_signal_handlers() {
    ensure_alternate_signal_stack();
    for (const int signal : kFatalSignals) {
        // A handler already there (a sanitizer's) reports better than this one: keep it.
        struct sigaction current {};
        if (sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) {
            continue;
        }
        struct sigaction action {};
        action.sa_handler = on_fatal_signal;
        action.sa_flags = SA_RESETHAND | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(signal, &action, nullptr);
    }
}

void set_fatal_signal_tag(std::string_view tag) {
    const std::size_t size = std::min(tag.size(), g_tag.size() - 1);
    std::copy_n(tag.data(), size, g_tag.data());
    g_tag[size] = '\0';
}

}  // namespace orderflow::common
