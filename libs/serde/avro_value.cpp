#include "serde/avro_value.h"

#include "serde/datum_check.h"

namespace orderflow::serde {

std::string last_avro_error() {
    const char* text = avro_strerror();
    return text != nullptr && *text != '\0' ? text : "unknown error";
}

AvroValue::AvroValue(avro_value_iface_t* iface) {
    if (avro_generic_value_new(iface, &value_) != 0) {
        throw AvroError("cannot create an Avro value: " + last_avro_error());
    }
    owned_ = true;
}

AvroValue::~AvroValue() {
    if (owned_) {
        avro_value_decref(&value_);
    }
}

AvroValue::AvroValue(AvroValue&& other) noexcept : value_(other.value_), owned_(other.owned_) {
    other.owned_ = false;
}

AvroSchema::AvroSchema(std::string_view json) : json_(json) {
    if (avro_schema_from_json_length(json_.data(), json_.size(), &schema_) != 0) {
        throw AvroError("not a valid Avro schema: " + last_avro_error());
    }
    iface_ = avro_generic_class_from_schema(schema_);
    if (iface_ == nullptr) {
        avro_schema_decref(schema_);
        throw AvroError("cannot build a value class for the schema: " + last_avro_error());
    }
}

AvroSchema::~AvroSchema() {
    avro_value_iface_decref(iface_);
    avro_schema_decref(schema_);
}

std::string AvroSchema::write(avro_value_t* value) {
    std::size_t size = 0;
    if (avro_value_sizeof(value, &size) != 0) {
        throw AvroError("cannot size the Avro value: " + last_avro_error());
    }
    std::string out(size, '\0');
    avro_writer_t writer = avro_writer_memory(out.data(), static_cast<int64_t>(out.size()));
    const int rc = avro_value_write(writer, value);
    avro_writer_free(writer);
    if (rc != 0) {
        throw AvroError("cannot write the Avro value: " + last_avro_error());
    }
    return out;
}

void AvroSchema::read(std::string_view bytes, avro_value_t* value) {
    // Depth, element counts and lengths are checked before Avro C recurses or allocates.
    check_datum(avro_value_get_schema(value), bytes);
    // Avro C 1.11.1 leaks the buffer of a string or bytes field it cannot finish reading, so
    // truncated input is rejected first by a pass that walks the bytes without allocating.
    avro_reader_t probe = avro_reader_memory(bytes.data(), static_cast<int64_t>(bytes.size()));
    const int skipped = avro_skip_data(probe, avro_value_get_schema(value));
    avro_reader_free(probe);
    if (skipped != 0) {
        throw AvroError("truncated or not written with this schema: " + last_avro_error());
    }
    avro_reader_t reader = avro_reader_memory(bytes.data(), static_cast<int64_t>(bytes.size()));
    const int rc = avro_value_read(reader, value);
    // Anything left over means the bytes were not written with this schema.
    const bool trailing = rc == 0 && avro_skip(reader, 1) == 0;
    avro_reader_free(reader);
    if (rc != 0) {
        throw AvroError(last_avro_error());
    }
    if (trailing) {
        throw AvroError("bytes left over after the datum");
    }
}

}  // namespace orderflow::serde
