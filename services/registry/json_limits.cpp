#include "registry/json_limits.h"

namespace orderflow::registry {

JsonTooDeep::JsonTooDeep(int limit)
    : std::runtime_error("JSON nesting depth exceeds " + std::to_string(limit)) {}

void check_json_depth(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped character cannot end the string
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                throw JsonTooDeep(max_depth);
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

}  // namespace orderflow::registry
