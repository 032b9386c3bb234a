#pragma once

#include <string>
#include <vector>

namespace orderflow::console {

struct DiffLine {
    char op = ' ';  ///< ' ' in both, '-' only in the old text, '+' only in the new one
    std::string text;
};

/// Pure. A line diff (longest common subsequence) of two texts. Schemas are a few hundred
/// lines at most; texts over 5000 lines each are compared as all removed, all added.
std::vector<DiffLine> line_diff(const std::string& before, const std::string& after);

}  // namespace orderflow::console
