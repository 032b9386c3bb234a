#include "topic_browser/message_decoder.h"

#include "serde/avro_value.h"
#include "serde/wire_format.h"

#include <avro.h>

#include <cstdlib>
#include <memory>

namespace orderflow::topic_browser {
namespace {

std::string to_hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        out += digits[u >> 4];
        out += digits[u & 0x0F];
    }
    return out;
}

/// Avro C's own JSON rendering of a generic value (unions as {"type": value}).
nlohmann::json avro_to_json(const avro_value_t* value) {
    char* text = nullptr;
    if (avro_value_to_json(value, 1, &text) != 0 || text == nullptr) {
        throw serde::AvroError("cannot render the value as JSON: " + serde::last_avro_error());
    }
    const std::unique_ptr<char, decltype(&std::free)> owned(text, &std::free);
    return nlohmann::json::parse(text);
}

}  // namespace

void keep_raw(Message& message, std::string_view value, std::string why) {
    message.value = std::nullopt;
    if (is_utf8(value)) {
        message.value_text = std::string(value);
    } else {
        message.value_hex = to_hex(value.substr(0, kMaxHexBytes));
        if (value.size() > kMaxHexBytes) {
            why += " (hex of the first " + std::to_string(kMaxHexBytes) + " bytes)";
        }
    }
    message.decode_error = std::move(why);
}

MessageDecoder::MessageDecoder(registry_client::RegistryClient& registry)
    : registry_(registry), schemas_([&registry](int id) { return registry.schema_by_id(id); }) {}

std::optional<std::pair<std::string, int>> MessageDecoder::subject_version(int id) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = versions_.find(id); it != versions_.end()) {
            return it->second;
        }
    }
    std::optional<std::pair<std::string, int>> found;
    try {
        const auto all = registry_.subject_versions_of(id);
        if (!all.empty()) {
            found = all.front();
        }
    } catch (const registry_client::RegistryError&) {
        return std::nullopt;  // not remembered: the next record asks again
    }
    std::lock_guard lock(mutex_);
    versions_[id] = found;
    return found;
}

Message MessageDecoder::decode(const kafka::Record& record) {
    Message message;
    message.topic = record.topic;
    message.partition = record.partition;
    message.offset = record.offset;
    message.timestamp_ms = record.timestamp_ms;
    message.key = record.key;
    message.headers = record.headers;
    message.size_bytes = record.value.size();
    serde::Unframed unframed;
    try {
        unframed = serde::unframe(record.value);
    } catch (const serde::WireFormatError& e) {
        keep_raw(message, record.value, std::string("not Confluent-framed Avro: ") + e.what());
        return message;
    }
    message.schema_id = unframed.schema_id;
    std::shared_ptr<const serde::AvroSchema> schema;
    try {
        schema = schemas_.get(unframed.schema_id);
    } catch (const registry_client::RegistryError& e) {
        keep_raw(message, record.value,
                 e.http_status() == 404 ? "schema id " + std::to_string(unframed.schema_id) +
                                              " is unknown to the registry"
                                        : std::string("the registry did not answer: ") + e.what());
        return message;
    } catch (const std::exception& e) {
        keep_raw(message, record.value,
                 "schema id " + std::to_string(unframed.schema_id) + " is unusable: " + e.what());
        return message;
    }
    if (const auto where = subject_version(unframed.schema_id)) {
        message.subject = where->first;
        message.schema_version = where->second;
    }
    try {
        auto value = schema->new_value();
        serde::AvroSchema::read(unframed.payload, value.get());
        message.value = avro_to_json(value.get());
    } catch (const std::exception& e) {
        keep_raw(message, record.value,
                 "does not decode with schema id " + std::to_string(unframed.schema_id) + ": " +
                     e.what());
    }
    return message;
}

}  // namespace orderflow::topic_browser
