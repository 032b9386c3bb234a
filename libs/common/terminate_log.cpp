#include "common/terminate_log.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <memory>
#include <typeinfo>

namespace orderflow::common {
namespace {

std::string demangle(const char* mangled) {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> name(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

[[noreturn]] void log_and_abort() {
    const auto what = describe_current_exception();
    if (what == "no active exception") {
        spdlog::critical("terminate called without an active exception; aborting");
    } else {
        spdlog::critical("terminate: uncaught {}; aborting", what);
    }
    spdlog::default_logger()->flush();
    std::abort();
}

}  // namespace

std::string describe_current_exception() {
    const std::type_info* type = abi::__cxa_current_exception_type();
    if (type == nullptr) {
        return "no active exception";
    }
    std::string text = demangle(type->name());
    try {
        std::rethrow_exception(std::current_exception());
    } catch (const std::exception& e) {
        text += std::string(": ") + e.what();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the type is all there is to say
    }
    return text;
}

void install_terminate_handler() {
    std::set_terminate(log_and_abort);
}

}  // namespace orderflow::common
