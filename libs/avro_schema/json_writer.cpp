#include "avro_schema/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace orderflow::avro {
namespace {

constexpr std::string_view kHexDigits = "0123456789ABCDEF";

// `scientific` is std::to_chars' shortest scientific form, e.g. "-1.2345e+02".
std::string java_layout(std::string_view scientific, double magnitude) {
    std::string sign;
    if (!scientific.empty() && scientific.front() == '-') {
        sign = "-";
        scientific.remove_prefix(1);
    }
    const auto e_pos = scientific.find('e');
    std::string digits;
    for (char c : scientific.substr(0, e_pos)) {
        if (c != '.') {
            digits.push_back(c);
        }
    }
    const int exponent = std::atoi(std::string(scientific.substr(e_pos + 1)).c_str());
    std::string out = sign;
    if (magnitude >= 1e-3 && magnitude < 1e7) {
        if (exponent >= 0) {
            const auto int_len = static_cast<std::size_t>(exponent) + 1;
            while (digits.size() < int_len) {
                digits.push_back('0');
            }
            out += digits.substr(0, int_len);
            out += '.';
            out += digits.size() > int_len ? digits.substr(int_len) : "0";
        } else {
            out += "0.";
            out.append(static_cast<std::size_t>(-exponent - 1), '0');
            out += digits;
        }
        return out;
    }
    out += digits.substr(0, 1);
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : "0";
    out += 'E';
    out += std::to_string(exponent);
    return out;
}

template <typename T>
std::string java_floating_to_string(T value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
        return std::signbit(value) ? "-0.0" : "0.0";
    }
    char buffer[64];
    const auto result =
        std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
    return java_layout(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer)),
                       std::fabs(static_cast<double>(value)));
}

}  // namespace

std::string java_double_to_string(double value) {
    return java_floating_to_string(value);
}

std::string java_float_to_string(float value) {
    return java_floating_to_string(value);
}

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out.push_back(kHexDigits[c >> 4U]);
                    out.push_back(kHexDigits[c & 0xFU]);
                } else {
                    out.push_back(ch);
                }
        }
    }
    out.push_back('"');
}

void append_key(std::string& out, std::string_view key) {
    append_json_string(out, key);
    out.push_back(':');
}

std::vector<std::pair<std::string, const Json*>> sorted_members(const Json& object) {
    std::vector<std::pair<std::string, const Json*>> members;
    for (const auto& [key, member] : object.items()) {
        members.emplace_back(key, &member);
    }
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return members;
}

void append_json(std::string& out, const Json& value) {
    switch (value.type()) {
        case Json::value_t::object:
            append_list(
                out, value.items(),
                [&](const auto& member) {
                    append_key(out, member.key());
                    append_json(out, member.value());
                },
                '{', '}');
            break;
        case Json::value_t::array:
            append_list(out, value, [&](const Json& element) { append_json(out, element); });
            break;
        case Json::value_t::string:
            append_json_string(out, value.get_ref<const std::string&>());
            break;
        case Json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::number_integer:
            out += std::to_string(value.get<std::int64_t>());
            break;
        case Json::value_t::number_unsigned:
            out += std::to_string(value.get<std::uint64_t>());
            break;
        case Json::value_t::number_float: {
            const double d = value.get<double>();
            // Jackson quotes non-finite numbers (QUOTE_NON_NUMERIC_NUMBERS is on by default).
            if (std::isfinite(d)) {
                out += java_double_to_string(d);
            } else {
                append_json_string(out, java_double_to_string(d));
            }
            break;
        }
        case Json::value_t::null:
        case Json::value_t::discarded:
        case Json::value_t::binary:
            out += "null";
            break;
    }
}

}  // namespace orderflow::avro
