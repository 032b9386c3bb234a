#include "serde/datum_check.h"

#include <climits>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::serde {
namespace {

constexpr int kMaxVarintBytes = 10;  // as Avro C reads a long

[[noreturn]] void limit(const std::string& what) {
    throw DatumLimitError("decode-limit: " + what);
}

[[noreturn]] void bad(const std::string& what) {
    throw AvroError("not a datum of the writer schema: " + what);
}

avro_schema_t resolve(avro_schema_t schema) {
    while (avro_typeof(schema) == AVRO_LINK) {
        schema = avro_schema_link_target(schema);
    }
    return schema;
}

// Whether a value of `schema` can be written in zero bytes (null, an empty record, ...).
// Each named schema is answered once (`known`): a record referring to another many times
// must not make this exponential. Past `depth` levels, or for a record still being answered
// (recursion), it answers yes, which only skips the bytes check below.
bool may_be_empty(avro_schema_t schema,
                  std::size_t depth,
                  std::map<avro_schema_t, std::optional<bool>>& known) {
    schema = resolve(schema);
    switch (avro_typeof(schema)) {
        case AVRO_NULL:
            return true;
        case AVRO_FIXED:
            return avro_schema_fixed_size(schema) == 0;
        case AVRO_RECORD: {
            auto [it, added] = known.try_emplace(schema);
            if (!added) {
                return it->second.value_or(true);
            }
            bool empty = true;
            const auto fields = avro_schema_record_size(schema);
            for (std::size_t i = 0; empty && depth > 0 && i < fields; ++i) {
                auto field = avro_schema_record_field_get_by_index(schema, static_cast<int>(i));
                empty = may_be_empty(field, depth - 1, known);
            }
            known[schema] = empty;
            return empty;
        }
        default:
            return false;  // a length, count, index or number: at least one byte
    }
}

class Walker {
public:
    Walker(std::string_view bytes, const DatumLimits& limits) : bytes_(bytes), limits_(limits) {}

    void run(avro_schema_t writer) {
        tasks_.push_back({writer, 0, false, 0});
        while (!tasks_.empty()) {
            const Task task = tasks_.back();
            tasks_.pop_back();
            step(task);
        }
        if (pos_ != bytes_.size()) {
            bad(std::to_string(bytes_.size() - pos_) + " byte(s) left over after the datum");
        }
    }

private:
    // A value still to read, or (block) the rest of an array's or map's current block.
    struct Task {
        avro_schema_t schema;
        std::size_t depth;  // containers around it
        bool block;
        std::int64_t left;  // elements left in the current block
    };

    std::size_t remaining() const { return bytes_.size() - pos_; }

    void need(std::size_t count, const char* what) {
        if (count > remaining()) {
            bad(std::string("truncated ") + what);
        }
        pos_ += count;
    }

    std::int64_t read_long(const char* what) {
        std::uint64_t value = 0;
        for (int shift = 0, n = 0;; shift += 7, ++n) {
            if (n == kMaxVarintBytes) {
                bad(std::string("a varint longer than 10 bytes for ") + what);
            }
            if (pos_ >= bytes_.size()) {
                bad(std::string("truncated ") + what);
            }
            const auto byte = static_cast<std::uint8_t>(bytes_[pos_++]);
            value |= static_cast<std::uint64_t>(byte & 0x7FU) << shift;
            if ((byte & 0x80U) == 0) {
                break;
            }
        }
        return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
    }

    std::int64_t read_int(const char* what) {
        const auto value = read_long(what);
        if (value < INT32_MIN || value > INT32_MAX) {
            bad(std::string(what) + " out of range for an int");
        }
        return value;
    }

    void read_length(const char* what) {
        const auto length = read_long(what);
        if (length < 0) {
            bad(std::string("a negative length for ") + what);
        }
        need(static_cast<std::uint64_t>(length), what);
    }

    void enter(std::size_t depth) const {
        if (depth + 1 > limits_.max_depth) {
            limit("nesting depth over " + std::to_string(limits_.max_depth));
        }
    }

    void step(const Task& task) {
        // Zero-byte values (empty records inside each other) are bounded by count, not bytes.
        if (++values_ > limits_.max_values) {
            limit("over " + std::to_string(limits_.max_values) + " values in all");
        }
        if (task.block) {
            next_element(task);
            return;
        }
        const avro_schema_t schema = resolve(task.schema);
        switch (avro_typeof(schema)) {
            case AVRO_NULL:
                return;
            case AVRO_BOOLEAN:
                need(1, "boolean");
                return;
            case AVRO_INT32:
                read_int("int");
                return;
            case AVRO_INT64:
                read_long("long");
                return;
            case AVRO_FLOAT:
                need(4, "float");
                return;
            case AVRO_DOUBLE:
                need(8, "double");
                return;
            case AVRO_STRING:
                read_length("string");
                return;
            case AVRO_BYTES:
                read_length("bytes");
                return;
            case AVRO_FIXED:
                need(static_cast<std::size_t>(avro_schema_fixed_size(schema)), "fixed");
                return;
            case AVRO_ENUM: {
                const auto index = read_int("enum index");
                if (index < 0 || index >= avro_schema_enum_number_of_symbols(schema)) {
                    bad("enum index " + std::to_string(index) + " out of range");
                }
                return;
            }
            case AVRO_UNION: {
                const auto index = read_long("union index");
                if (index < 0 ||
                    static_cast<std::uint64_t>(index) >= avro_schema_union_size(schema)) {
                    bad("union branch " + std::to_string(index) + " out of range");
                }
                tasks_.push_back({avro_schema_union_branch(schema, static_cast<int>(index)),
                                  task.depth, false, 0});
                return;
            }
            case AVRO_RECORD: {
                enter(task.depth);
                // Pushed last field first, so the first field is read first.
                for (auto i = avro_schema_record_size(schema); i > 0; --i) {
                    tasks_.push_back(
                        {avro_schema_record_field_get_by_index(schema, static_cast<int>(i - 1)),
                         task.depth + 1, false, 0});
                }
                return;
            }
            case AVRO_ARRAY:
            case AVRO_MAP:
                enter(task.depth);
                tasks_.push_back({schema, task.depth, true, 0});
                return;
            default:
                bad("a schema type this walk does not know");
        }
    }

    // One element of the current block, or the next block's header.
    void next_element(Task task) {
        const bool map = avro_typeof(task.schema) == AVRO_MAP;
        const avro_schema_t items =
            map ? avro_schema_map_values(task.schema) : avro_schema_array_items(task.schema);
        if (task.left == 0) {
            task.left = read_block_count(items, map);
            if (task.left == 0) {
                return;  // the end of the array or map
            }
        }
        --task.left;
        tasks_.push_back(task);
        tasks_.push_back({items, task.depth + 1, false, 0});
        if (map) {
            read_length("map key");
        }
    }

    std::int64_t read_block_count(avro_schema_t items, bool map) {
        auto count = read_long("block count");
        if (count == 0) {
            return 0;
        }
        if (count < 0) {
            if (count == INT64_MIN) {
                bad("a block count out of range");
            }
            count = -count;
            const auto size = read_long("block size");
            if (size < 0 || static_cast<std::uint64_t>(size) > remaining()) {
                bad("a block size of " + std::to_string(size) + " byte(s), " +
                    std::to_string(remaining()) + " left");
            }
        }
        if (count > limits_.max_block_items) {
            limit("a block of " + std::to_string(count) + " elements, over " +
                  std::to_string(limits_.max_block_items) + " per block");
        }
        total_items_ += count;
        if (total_items_ > limits_.max_total_items) {
            limit("over " + std::to_string(limits_.max_total_items) + " elements in all");
        }
        if ((map || !may_be_empty(items, limits_.max_depth, empty_)) &&
            static_cast<std::uint64_t>(count) > remaining()) {
            limit("a block of " + std::to_string(count) + " elements needs at least as many " +
                  "bytes, " + std::to_string(remaining()) + " left");
        }
        return count;
    }

    std::string_view bytes_;
    const DatumLimits& limits_;
    std::size_t pos_ = 0;
    std::int64_t total_items_ = 0;
    std::int64_t values_ = 0;
    std::vector<Task> tasks_;
    std::map<avro_schema_t, std::optional<bool>> empty_;  // may_be_empty's answers
};

}  // namespace

void check_datum(avro_schema_t writer, std::string_view bytes, const DatumLimits& limits) {
    Walker(bytes, limits).run(writer);
}

void check_datum(std::string_view writer_json, std::string_view bytes) {
    const AvroSchema schema(writer_json);
    check_datum(schema.get(), bytes);
}

}  // namespace orderflow::serde
