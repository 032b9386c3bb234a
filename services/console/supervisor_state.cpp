#include "console/supervisor_state.h"

#include <fstream>

namespace orderflow::console {
namespace {

// "http://127.0.0.1:8092/health" and "http://127.0.0.1:8092" name the same server.
std::string origin(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) {
        return url;
    }
    return url.substr(0, url.find('/', scheme + 3));
}

const nlohmann::json* find_program(const nlohmann::json& state, const nlohmann::json& part) {
    const auto url = part.value("url", std::string());
    if (!url.empty()) {
        for (const auto& [name, program] : state.items()) {
            if (program.is_object() && program.value("url", nlohmann::json()).is_string() &&
                origin(program["url"].get<std::string>()) == origin(url)) {
                return &program;
            }
        }
    }
    const auto name = part.value("name", std::string());
    const auto found = state.find(name);
    return found != state.end() && found->is_object() ? &*found : nullptr;
}

}  // namespace

nlohmann::json read_supervisor_state(const std::string& path) {
    if (path.empty()) {
        return nlohmann::json::object();
    }
    std::ifstream in(path);
    // The listener replaces the file by rename, so a reader sees a whole old or new version.
    auto state = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    return state.is_object() ? state : nlohmann::json::object();
}

void add_supervisor_state(nlohmann::json& parts, const nlohmann::json& state) {
    for (auto& part : parts) {
        const auto* program = find_program(state, part);
        if (program == nullptr) {
            continue;
        }
        const auto restarts = program->value("restarts", nlohmann::json(0));
        part["restarts"] = restarts.is_number_integer() ? restarts : nlohmann::json(0);
        const auto last_exit = program->value("last_exit", nlohmann::json());
        part["last_exit"] = last_exit.is_string() ? last_exit : nlohmann::json();
    }
}

}  // namespace orderflow::console
