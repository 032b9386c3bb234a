#include "console/line_diff.h"

#include <sstream>

namespace orderflow::console {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

}  // namespace

std::vector<DiffLine> line_diff(const std::string& before, const std::string& after) {
    const auto a = lines_of(before);
    const auto b = lines_of(after);
    std::vector<DiffLine> out;
    constexpr std::size_t kMaxLines = 5000;
    if (a.size() > kMaxLines || b.size() > kMaxLines) {
        for (const auto& line : a) {
            out.push_back({'-', line});
        }
        for (const auto& line : b) {
            out.push_back({'+', line});
        }
        return out;
    }
    // common[i][j]: length of the LCS of a[i..] and b[j..].
    std::vector<std::vector<std::size_t>> common(a.size() + 1,
                                                 std::vector<std::size_t>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;) {
        for (std::size_t j = b.size(); j-- > 0;) {
            common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1
                                        : std::max(common[i + 1][j], common[i][j + 1]);
        }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            out.push_back({' ', a[i]});
            ++i;
            ++j;
        } else if (common[i + 1][j] >= common[i][j + 1]) {
            out.push_back({'-', a[i++]});
        } else {
            out.push_back({'+', b[j++]});
        }
    }
    for (; i < a.size(); ++i) {
        out.push_back({'-', a[i]});
    }
    for (; j < b.size(); ++j) {
        out.push_back({'+', b[j]});
    }
    return out;
}

}  // namespace orderflow::console
