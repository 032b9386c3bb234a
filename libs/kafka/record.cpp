#include "kafka/record.h"

#include <algorithm>

namespace orderflow::kafka {

std::optional<std::string> Record::header(const std::string& name) const {
    const auto it = std::find_if(headers.begin(), headers.end(),
                                 [&name](const auto& h) { return h.first == name; });
    return it != headers.end() ? std::optional(it->second) : std::nullopt;
}

}  // namespace orderflow::kafka
