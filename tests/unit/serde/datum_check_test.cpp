#include "serde/datum_check.h"

#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>

#include <string>

namespace orderflow::serde {
namespace {

// A long as Avro C writes it (a zigzag varint): counts, lengths and indexes are longs.
std::string varint(std::int64_t value) {
    const AvroSchema schema(R"("long")");
    auto written = schema.new_value();
    avro_value_set_long(written.get(), value);
    return AvroSchema::write(written.get());
}

const char* const kRecursive =
    R"({"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]})";
const char* const kNullArray = R"({"type":"array","items":"null"})";
const char* const kLongArray = R"({"type":"array","items":"long"})";

// `levels` records N inside each other: branch 1 (another N) each time, then branch 0 (null).
std::string nested(std::size_t levels) {
    return std::string(levels - 1, '\x02') + '\x00';
}

// What check_datum throws for these bytes: "" when nothing, else "limit: ..." or "bad: ...".
std::string verdict(const char* schema_json,
                    const std::string& bytes,
                    const DatumLimits& limits = {}) {
    const AvroSchema schema(schema_json);
    try {
        check_datum(schema.get(), bytes, limits);
        return "";
    } catch (const DatumLimitError& e) {
        return std::string("limit: ") + e.what();
    } catch (const AvroError& e) {
        return std::string("bad: ") + e.what();
    }
}

TEST(DatumCheck, FiftyThousandNestedRecordsBreakTheDepthLimitWithoutRecursion) {
    EXPECT_EQ(verdict(kRecursive, nested(50'000)), "limit: decode-limit: nesting depth over 32");
}

TEST(DatumCheck, NestingUpToTheLimitIsReadByAvroC) {
    EXPECT_EQ(verdict(kRecursive, nested(32)), "");
    EXPECT_EQ(verdict(kRecursive, nested(33)), "limit: decode-limit: nesting depth over 32");
    const AvroSchema schema(kRecursive);
    auto value = schema.new_value();
    AvroSchema::read(nested(32), value.get());
    EXPECT_THROW(AvroSchema::read(nested(50'000), value.get()), DatumLimitError);
}

TEST(DatumCheck, ArraysAndMapsCountAsNesting) {
    std::string schema = R"("long")";
    for (int i = 0; i < 40; ++i) {
        schema = i % 2 == 0 ? R"({"type":"array","items":)" + schema + "}"
                            : R"({"type":"map","values":)" + schema + "}";
    }
    // Every level holds one block of one element, until the innermost long.
    std::string bytes;
    for (int i = 39; i >= 0; --i) {
        bytes += varint(1);
        if (i % 2 == 1) {
            bytes += varint(1) + "k";  // a map's key
        }
    }
    bytes += varint(7) + std::string(40, '\x00');
    EXPECT_EQ(verdict(schema.c_str(), bytes), "limit: decode-limit: nesting depth over 32");
}

// The repro: four billion nulls take no bytes; Avro C would append them one by one.
TEST(DatumCheck, AHugeBlockOfZeroByteItemsIsRefusedBeforeAnyItem) {
    EXPECT_EQ(verdict(kNullArray, varint(4'000'000'000) + varint(0)),
              "limit: decode-limit: a block of 4000000000 elements, over 100000 per block");
    const AvroSchema schema(kNullArray);
    auto value = schema.new_value();
    EXPECT_THROW(AvroSchema::read(varint(4'000'000'000) + varint(0), value.get()), DatumLimitError);
}

TEST(DatumCheck, ZeroByteItemsWithinTheLimitsAreFine) {
    EXPECT_EQ(verdict(kNullArray, varint(1000) + varint(-5) + varint(0) + varint(0)), "");
    const char* empty_records =
        R"({"type":"array","items":{"type":"record","name":"E","fields":[]}})";
    EXPECT_EQ(verdict(empty_records, varint(500) + varint(0)), "");
}

// Records of 20 records of 20 ... of nulls: a 2 KB schema whose one datum of zero bytes holds
// 20^6 values. Counted, not walked to the end (and may_be_empty answers each record once).
TEST(DatumCheck, ZeroByteValuesAreLimitedByCountWhereBytesCannot) {
    std::string schema = R"({"type":"record","name":"R0","fields":[)";
    for (int f = 0; f < 20; ++f) {
        schema += std::string(f > 0 ? "," : "") + R"({"name":"f)" + std::to_string(f) +
                  R"(","type":"null"})";
    }
    schema += "]}";
    for (int level = 1; level <= 6; ++level) {
        std::string fields;
        for (int f = 0; f < 20; ++f) {
            const auto type = f == 0 ? schema : "\"R" + std::to_string(level - 1) + "\"";
            fields += std::string(f > 0 ? "," : "") + R"({"name":"f)" + std::to_string(f) +
                      R"(","type":)" + type + "}";
        }
        schema = R"({"type":"record","name":"R)" + std::to_string(level) + R"(","fields":[)" +
                 fields + "]}";
    }
    EXPECT_EQ(verdict(schema.c_str(), ""), "limit: decode-limit: over 1000000 values in all");
    const auto array = R"({"type":"array","items":)" + schema + "}";
    EXPECT_EQ(verdict(array.c_str(), varint(3) + varint(0)),
              "limit: decode-limit: over 1000000 values in all");
}

TEST(DatumCheck, ElementsInAllAreLimitedAcrossBlocks) {
    const DatumLimits limits{32, 10, 25};
    const auto block = varint(10);
    EXPECT_EQ(verdict(kNullArray, block + block + varint(0), limits), "");
    EXPECT_EQ(verdict(kNullArray, block + block + block + varint(0), limits),
              "limit: decode-limit: over 25 elements in all");
    EXPECT_EQ(verdict(kNullArray, varint(11) + varint(0), limits),
              "limit: decode-limit: a block of 11 elements, over 10 per block");
}

TEST(DatumCheck, ABlockOfItemsTakingBytesMustFitInWhatIsLeft) {
    EXPECT_EQ(verdict(kLongArray, varint(1000) + varint(1) + varint(2) + varint(0)),
              "limit: decode-limit: a block of 1000 elements needs at least as many bytes, 3 "
              "left");
    const char* map = R"({"type":"map","values":"null"})";
    EXPECT_EQ(verdict(map, varint(50) + "ab"),
              "limit: decode-limit: a block of 50 elements needs at least as many bytes, 2 left");
    EXPECT_EQ(verdict(kLongArray, varint(2) + varint(1) + varint(2) + varint(0)), "");
}

TEST(DatumCheck, BytesThatAreNotADatumAreUndecodableNotALimit) {
    const char* text = R"("string")";
    EXPECT_EQ(verdict(text, varint(10) + "abc"),
              "bad: not a datum of the writer schema: truncated string");
    EXPECT_EQ(verdict(text, varint(-1)),
              "bad: not a datum of the writer schema: a negative length for string");
    EXPECT_EQ(verdict(text, varint(1) + "ab"),
              "bad: not a datum of the writer schema: 1 byte(s) left over after the datum");
    EXPECT_EQ(verdict(kRecursive, varint(2)),
              "bad: not a datum of the writer schema: union branch 2 out of range");
    const char* colour = R"({"type":"enum","name":"C","symbols":["RED"]})";
    EXPECT_EQ(verdict(colour, varint(1)),
              "bad: not a datum of the writer schema: enum index 1 out of range");
    EXPECT_EQ(verdict(R"("long")", std::string(11, '\xff')),
              "bad: not a datum of the writer schema: a varint longer than 10 bytes for long");
    EXPECT_EQ(verdict(R"("int")", varint(1LL << 40)),
              "bad: not a datum of the writer schema: int out of range for an int");
    EXPECT_EQ(verdict(kLongArray, varint(-2) + varint(100) + varint(1)),
              "bad: not a datum of the writer schema: a block size of 100 byte(s), 1 left");
    EXPECT_EQ(verdict(R"({"type":"fixed","name":"F","size":4})", "abc"),
              "bad: not a datum of the writer schema: truncated fixed");
}

TEST(DatumCheck, AnOrderPassesAndIsTheSchemaJsonEntryPoint) {
    OrderEncoder encoder(kOrderSchemaJson);
    orders::OrderGenerator generator(3);
    const auto bytes = encoder.encode(generator.next());
    EXPECT_NO_THROW(check_datum(std::string_view(kOrderSchemaJson), bytes));
    EXPECT_THROW(check_datum(std::string_view(kOrderSchemaJson), bytes.substr(1)), AvroError);
    EXPECT_THROW(check_datum(std::string_view("{nope"), bytes), AvroError);
}

}  // namespace
}  // namespace orderflow::serde
