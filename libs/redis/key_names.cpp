#include "redis/key_names.h"

namespace orderflow::redis {
namespace {

constexpr std::string_view kOrdersSuffix = ":orders";

bool encoded(unsigned char c) {
    return c < 0x20 || c == 0x7f || c == '%' || c == ':' || c == '{' || c == '}' || c == '*' ||
           c == '?' || c == '[' || c == ']' || c == '\\';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;  // lower case is never written, so it is never read either
}

/// The id after `prefix` when `key` starts with it and the rest decodes.
std::optional<std::string> after(std::string_view key, const std::string& prefix) {
    if (!key.starts_with(prefix)) {
        return std::nullopt;
    }
    return decode_key_part(key.substr(prefix.size()));
}

}  // namespace

std::string encode_key_part(std::string_view id) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(id.size());
    for (const char c : id) {
        const auto byte = static_cast<unsigned char>(c);
        if (encoded(byte)) {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::string> decode_key_part(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (std::size_t i = 0; i < part.size(); ++i) {
        const auto byte = static_cast<unsigned char>(part[i]);
        if (byte != '%') {
            if (encoded(byte)) {
                return std::nullopt;  // a raw separator: not a key part
            }
            out += part[i];
            continue;
        }
        if (i + 2 >= part.size()) {
            return std::nullopt;
        }
        const int high = hex_value(part[i + 1]);
        const int low = hex_value(part[i + 2]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        const auto decoded = static_cast<unsigned char>(high * 16 + low);
        if (!encoded(decoded)) {
            return std::nullopt;  // never written that way: one id, one key name
        }
        out += static_cast<char>(decoded);
        i += 2;
    }
    return out;
}

std::string order_key(const std::string& group, const std::string& order_id) {
    return order_key_prefix(group) + encode_key_part(order_id);
}
std::string customer_key(const std::string& group, const std::string& customer_id) {
    return customer_key_prefix(group) + encode_key_part(customer_id);
}
std::string customer_orders_key(const std::string& group, const std::string& customer_id) {
    return customer_key(group, customer_id) + std::string(kOrdersSuffix);
}
std::string stats_key(const std::string& group) {
    return "stats:" + encode_key_part(group);
}
std::string offsets_key(const std::string& group) {
    return "offsets:" + encode_key_part(group);
}
std::string watch_key(const std::string& group, const std::string& token) {
    return "watch:" + encode_key_part(group) + ":" + encode_key_part(token);
}

std::string order_key_prefix(const std::string& group) {
    return "order:" + encode_key_part(group) + ":";
}
std::string customer_key_prefix(const std::string& group) {
    return "customer:" + encode_key_part(group) + ":";
}
// An encoded group holds no glob byte, so the prefixes match themselves.
std::string order_key_pattern(const std::string& group) {
    return order_key_prefix(group) + "*";
}
std::string customer_key_pattern(const std::string& group) {
    return customer_key_prefix(group) + "*";
}

std::optional<std::string> order_id_of(const std::string& group, std::string_view key) {
    return after(key, order_key_prefix(group));
}

std::optional<std::string> customer_id_of(const std::string& group, std::string_view key) {
    if (key.ends_with(kOrdersSuffix)) {
        key.remove_suffix(kOrdersSuffix.size());  // an encoded id holds no ':'
    }
    return after(key, customer_key_prefix(group));
}

std::optional<std::string> group_of_stats_key(std::string_view key) {
    return after(key, "stats:");
}

}  // namespace orderflow::redis
