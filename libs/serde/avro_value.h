#pragma once

// RAII over Avro C: a parsed schema with its generic value class, and generic values.

#include <avro.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace orderflow::serde {

/// An Avro C call that failed; what() carries avro_strerror().
class AvroError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A generic value of some AvroSchema; decref'd on destruction. Move-only.
class AvroValue {
public:
    explicit AvroValue(avro_value_iface_t* iface);
    ~AvroValue();
    AvroValue(AvroValue&& other) noexcept;
    AvroValue& operator=(AvroValue&&) = delete;
    AvroValue(const AvroValue&) = delete;
    AvroValue& operator=(const AvroValue&) = delete;

    avro_value_t* get() { return &value_; }

private:
    avro_value_t value_{};
    bool owned_ = false;
};

/**
 * A parsed schema and its generic class. Immutable after construction, so one instance may be
 * shared between threads (each thread makes its own values). Move-only.
 * Errors: AvroError with the parser's message for text that is not a valid Avro schema.
 */
class AvroSchema {
public:
    explicit AvroSchema(std::string_view json);
    ~AvroSchema();
    AvroSchema(const AvroSchema&) = delete;
    AvroSchema& operator=(const AvroSchema&) = delete;

    avro_schema_t get() const { return schema_; }
    const std::string& json() const { return json_; }
    AvroValue new_value() const { return AvroValue(iface_); }

    /// Avro binary of `value` (which must be of this schema). Errors: AvroError.
    static std::string write(avro_value_t* value);
    /// Reads one datum from `bytes` into `value`; all bytes must be used, within the default
    /// DatumLimits (datum_check.h). Errors: DatumLimitError, AvroError.
    static void read(std::string_view bytes, avro_value_t* value);

private:
    std::string json_;
    avro_schema_t schema_ = nullptr;
    avro_value_iface_t* iface_ = nullptr;
};

/// avro_strerror() as a string, "unknown error" when empty.
std::string last_avro_error();

}  // namespace orderflow::serde
