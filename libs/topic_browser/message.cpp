#include "topic_browser/message.h"

namespace orderflow::topic_browser {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<std::string> Message::field(const std::string& name) const {
    if (!value || !value->is_object()) {
        return std::nullopt;
    }
    const auto it = value->find(name);
    if (it == value->end()) {
        return std::nullopt;
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    // A ["null","string"] union in Avro's JSON encoding: {"string": "..."}.
    if (it->is_object() && it->size() == 1 && it->begin()->is_string()) {
        return it->begin()->get<std::string>();
    }
    return std::nullopt;
}

nlohmann::json to_json(const Message& message) {
    auto headers = nlohmann::json::array();
    for (const auto& [name, value] : message.headers) {
        headers.push_back({name, value});
    }
    return {{"topic", message.topic},
            {"partition", message.partition},
            {"offset", message.offset},
            {"timestamp_ms", message.timestamp_ms},
            {"key", or_null(message.key)},
            {"headers", headers},
            {"size_bytes", message.size_bytes},
            {"schema_id", or_null(message.schema_id)},
            {"subject", or_null(message.subject)},
            {"schema_version", or_null(message.schema_version)},
            {"value", message.value ? *message.value : nlohmann::json(nullptr)},
            {"value_text", or_null(message.value_text)},
            {"value_hex", or_null(message.value_hex)},
            {"decode_error", or_null(message.decode_error)}};
}

std::string dump(const nlohmann::json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_utf8(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= bytes.size()) {
            return false;  // cut short
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(bytes[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6) | (next & 0x3F);
        }
        // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
        if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
            (extra == 3 && code < 0x10000) || code > 0x10FFFF ||
            (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

}  // namespace orderflow::topic_browser
