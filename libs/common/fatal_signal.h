#pragma once

#include <string_view>

namespace orderflow::common {

/**
 * Installs a handler for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT that writes one line to
 * stderr, `2026-12-06T21:05:00.123Z critical [consumer] fatal signal SIGSEGV (pid 42); the
 * process ends with the signal's default action`, then lets the default action end the
 * process (so a supervisor still sees "terminated by SIGSEGV" and a core can be dumped).
 * The handler uses write(2) only (async-signal-safe: no allocation, no spdlog) and runs on an
 * alternate stack, so a stack overflow is reported too. Call once, from main().
 * Errors: none (a handler sigaction refuses is left at the default action).
 */
void install_fatal_signal_handlers();

/// Gives the calling thread an alternate signal stack (once per thread), so the fatal-signal
/// handler can run when this thread overflows its stack. install_fatal_signal_handlers() does
/// it for the main thread; run_guarded() for the threads it runs.
void ensure_alternate_signal_stack();

/// The `[name]` in the fatal-signal line (init_logging sets it to the service); at most 31
/// bytes are kept.
void set_fatal_signal_tag(std::string_view tag);

}  // namespace orderflow::common
