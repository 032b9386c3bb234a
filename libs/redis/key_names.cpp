#include "redis/key_names.h"

#include "redis/key_slot.h"

#include <cstdint>
#include <map>
#include <utility>

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

namespace {

/// The golden-ratio sequence as a fraction of 2^32: index x 0.618... mod 1. Its points stay
/// evenly apart for any count (the three-gap theorem): 5 partitions put at most 2 in any third of
/// the slot space, where 0, 1/2, 1/4, ... (van der Corput) put 3.
std::uint64_t golden_point(std::uint32_t index) {
    return (static_cast<std::uint64_t>(index) * 0x9E3779B9ULL) & 0xffffffffULL;
}

std::string tag_content(const std::string& encoded_group, std::int32_t partition, std::uint32_t n) {
    return encoded_group + ":" + std::to_string(partition) + ":" + std::to_string(n);
}

constexpr std::uint32_t kSpreadWindow = 256;  // slots after the target point
constexpr std::uint32_t kSpreadTries = 4096;
constexpr std::size_t kMaxCachedTags = 4096;

/// "{g:p:" of a key of `prefix` ("order:"), or nullopt; `rest` is what follows the tag.
std::optional<std::int32_t> tagged_partition(const std::string& group,
                                             std::string_view key,
                                             std::string_view* rest) {
    const auto open = "{" + encode_key_part(group) + ":";
    const auto at = key.find(open);
    if (at == std::string_view::npos || key.find('{') != at) {
        return std::nullopt;
    }
    auto inside = key.substr(at + open.size());
    const auto close = inside.find('}');
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    const auto numbers = inside.substr(0, close);
    const auto colon = numbers.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 10) {
        return std::nullopt;
    }
    std::int64_t partition = 0;
    for (const char c : numbers.substr(0, colon)) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        partition = partition * 10 + (c - '0');
    }
    if (partition > INT32_MAX) {
        return std::nullopt;
    }
    if (rest != nullptr) {
        *rest = inside.substr(close + 1);
    }
    return static_cast<std::int32_t>(partition);
}

/// The id after "<kind>:{g:p:n}:" when `key` is such a key and the rest decodes.
std::optional<std::string> tagged_id(const std::string& group,
                                     std::string_view kind,
                                     std::string_view key) {
    if (!key.starts_with(kind)) {
        return std::nullopt;
    }
    std::string_view rest;
    if (!tagged_partition(group, key.substr(kind.size()), &rest) ||
        !key.substr(kind.size()).starts_with("{") || !rest.starts_with(":")) {
        return std::nullopt;
    }
    return decode_key_part(rest.substr(1));
}

}  // namespace

std::uint32_t spread_number(const std::string& group, std::int32_t partition) {
    const auto encoded_group = encode_key_part(group);
    // Where in the slot space this partition's tag should land, as a fraction of 2^32.
    const auto turn = static_cast<std::uint64_t>(crc16_xmodem(encoded_group)) << 16;
    const auto target_fraction =
        (golden_point(static_cast<std::uint32_t>(partition)) + turn) & 0xffffffffULL;
    const auto target = static_cast<std::uint32_t>((target_fraction * slot_count) >> 32);
    for (std::uint32_t n = 0; n < kSpreadTries; ++n) {
        const std::uint32_t slot = key_slot(tag_content(encoded_group, partition, n));
        if ((slot + slot_count - target) % slot_count < kSpreadWindow) {
            return n;
        }
    }
    return 0;
}

std::string partition_tag(const std::string& group, std::int32_t partition) {
    // The spread number costs ~64 CRC16s (~13 us) and every key of a store call needs the tag:
    // each thread keeps the tags it computed (a few groups x partitions; cleared if it grows).
    thread_local std::map<std::pair<std::string, std::int32_t>, std::string> computed;
    const auto key = std::make_pair(group, partition);
    if (const auto found = computed.find(key); found != computed.end()) {
        return found->second;
    }
    if (computed.size() >= kMaxCachedTags) {
        computed.clear();
    }
    auto tag =
        "{" + tag_content(encode_key_part(group), partition, spread_number(group, partition)) + "}";
    computed.emplace(key, tag);
    return tag;
}

std::string order_key(const std::string& group,
                      std::int32_t partition,
                      const std::string& order_id) {
    return "order:" + partition_tag(group, partition) + ":" + encode_key_part(order_id);
}
std::string customer_key(const std::string& group,
                         std::int32_t partition,
                         const std::string& customer_id) {
    return "customer:" + partition_tag(group, partition) + ":" + encode_key_part(customer_id);
}
std::string customer_orders_key(const std::string& group,
                                std::int32_t partition,
                                const std::string& customer_id) {
    return customer_key(group, partition, customer_id) + std::string(kOrdersSuffix);
}
std::string stats_key(const std::string& group, std::int32_t partition) {
    return "stats:" + partition_tag(group, partition);
}
std::string offsets_key(const std::string& group, std::int32_t partition) {
    return "offsets:" + partition_tag(group, partition);
}
std::string watch_key(const std::string& group, std::int32_t partition, const std::string& token) {
    return "watch:" + partition_tag(group, partition) + ":" + encode_key_part(token);
}
std::string partitions_key(const std::string& group) {
    return "partitions:" + encode_key_part(group);
}

std::string order_key_prefix(const std::string& group) {
    return "order:{" + encode_key_part(group) + ":";
}
std::string customer_key_prefix(const std::string& group) {
    return "customer:{" + encode_key_part(group) + ":";
}
// An encoded group holds no glob byte, so the prefixes match themselves.
std::string order_key_pattern(const std::string& group) {
    return order_key_prefix(group) + "*";
}
std::string customer_key_pattern(const std::string& group) {
    return customer_key_prefix(group) + "*";
}

std::optional<std::string> order_id_of(const std::string& group, std::string_view key) {
    return tagged_id(group, "order:", key);
}

std::optional<std::string> customer_id_of(const std::string& group, std::string_view key) {
    if (key.ends_with(kOrdersSuffix)) {
        key.remove_suffix(kOrdersSuffix.size());  // an encoded id holds no ':'
    }
    return tagged_id(group, "customer:", key);
}

std::optional<std::int32_t> partition_of(const std::string& group, std::string_view key) {
    return tagged_partition(group, key, nullptr);
}

std::optional<std::string> group_of_partitions_key(std::string_view key) {
    return after(key, "partitions:");
}

}  // namespace orderflow::redis
