#include "registry/config_types.h"

#include "common/text.h"

#include <array>
#include <utility>

namespace orderflow::registry {
namespace {

constexpr std::array<std::pair<Mode, std::string_view>, 5> kModes = {{
    {Mode::kReadWrite, "READWRITE"},
    {Mode::kReadOnly, "READONLY"},
    {Mode::kReadOnlyOverride, "READONLY_OVERRIDE"},
    {Mode::kImport, "IMPORT"},
    {Mode::kForward, "FORWARD"},
}};

}  // namespace

std::string to_string(Mode mode) {
    for (const auto& [value, name] : kModes) {
        if (value == mode) {
            return std::string(name);
        }
    }
    return "READWRITE";
}

std::optional<Mode> parse_mode(std::string_view text) {
    const auto upper = common::upper(text);
    for (const auto& [value, name] : kModes) {
        if (name == upper) {
            return value;
        }
    }
    return std::nullopt;
}

bool is_read_only(Mode mode) {
    return mode == Mode::kReadOnly || mode == Mode::kReadOnlyOverride;
}

std::optional<CompatibilityLevel> parse_compatibility_level(std::string_view text) {
    return avro::compatibility_level_from_string(text);
}

RegistryRules rules_of(const RegistryOptions& options) {
    return {parse_compatibility_level(options.default_compatibility)
                .value_or(CompatibilityLevel::kBackward),
            options.incompatible_error_code};
}

}  // namespace orderflow::registry
