#pragma once

#include <string>

namespace orderflow::common {

/// Options every subcommand shares, filled by the top-level `orderflow` parser.
struct CommandContext {
    std::string env_file = ".env";
    std::string log_level = "info";
};

}  // namespace orderflow::common
