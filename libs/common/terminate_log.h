#pragma once

#include <string>

namespace orderflow::common {

/**
 * Describes the exception being handled as `<type>: <what()>` (the demangled type; `what()`
 * only for std::exception), `<type>` alone for others, or "no active exception". For catch
 * blocks and the terminate handler; does not throw.
 */
std::string describe_current_exception();

/**
 * Makes std::terminate log one line first (spdlog critical, `terminate: uncaught
 * boost::wrapexcept<std::length_error>: ...`), then abort (the fatal-signal handler adds its
 * SIGABRT line). Call once, from main().
 */
void install_terminate_handler();

}  // namespace orderflow::common
