#include "avro_schema/java_double.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace orderflow::avro {

std::optional<double> parse_java_double(std::string text) {
    const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
    text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
    std::string_view body = text;
    bool negative = false;
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
        negative = body.front() == '-';
        body.remove_prefix(1);
    }
    if (body == "NaN") {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (body == "Infinity") {
        return negative ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    }
    if (!text.empty() && std::string_view("dDfF").find(text.back()) != std::string_view::npos) {
        text.pop_back();
    }
    if (text.empty() || std::isalpha(static_cast<unsigned char>(text.back())) != 0) {
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || std::isnan(value) || std::isinf(value)) {
        return std::nullopt;
    }
    return value;
}

}  // namespace orderflow::avro
